#Requires -Version 5.1
<#
    Helpers shared by the Pester suite (and the Demo task of build.ps1): where the built module and the fake
    API are, starting and stopping the fake Jelou API as a separate process, and its control endpoints
    (/_fake/ledger, /_fake/reset, /_fake/faults, /_fake/enqueue).
#>

Set-StrictMode -Version 3.0

function Get-JelouRepositoryRoot {
    <# The folder that holds Jelou.sln, found by walking up from this file. #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $directory = $PSScriptRoot
    while ($directory) {
        if (Test-Path -LiteralPath (Join-Path $directory 'Jelou.sln')) {
            return $directory
        }

        $parent = Split-Path -Parent $directory
        if ($parent -eq $directory) {
            break
        }

        $directory = $parent
    }

    throw "Cannot find the repository root (a folder with Jelou.sln) above '$PSScriptRoot'."
}

function Get-JelouModulePath {
    <# The manifest of the newest staged module: out/Jelou/<version>/Jelou.psd1. #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $root = Get-JelouRepositoryRoot
    $staging = Join-Path (Join-Path $root 'out') 'Jelou'
    $candidates = @()
    if (Test-Path -LiteralPath $staging) {
        $candidates = @(
            Get-ChildItem -LiteralPath $staging -Directory |
                Where-Object { $null -ne ($_.Name -as [version]) -and (Test-Path -LiteralPath (Join-Path $_.FullName 'Jelou.psd1')) } |
                Sort-Object -Property { [version]$_.Name } -Descending
        )
    }

    if ($candidates.Count -eq 0) {
        throw "No staged Jelou module under '$staging'. Build it first: dotnet build Jelou.sln -c Release (or ./build.ps1)."
    }

    return (Join-Path $candidates[0].FullName 'Jelou.psd1')
}

function Get-FakeJelouApiPath {
    <# The fake API assembly: the most recently built of the Release and Debug outputs. #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $root = Get-JelouRepositoryRoot
    $project = Join-Path (Join-Path $root 'tests') 'Jelou.FakeApi'
    $found = @(
        foreach ($configuration in 'Release', 'Debug') {
            $path = [System.IO.Path]::Combine($project, 'bin', $configuration, 'net10.0', 'Jelou.FakeApi.dll')
            if (Test-Path -LiteralPath $path) {
                Get-Item -LiteralPath $path
            }
        }
    )

    if ($found.Count -eq 0) {
        throw "The fake Jelou API is not built (looked for tests/Jelou.FakeApi/bin/Release|Debug/net10.0/Jelou.FakeApi.dll). Run: dotnet build Jelou.sln -c Release"
    }

    return ($found | Sort-Object -Property LastWriteTimeUtc -Descending | Select-Object -First 1).FullName
}

function Get-DotNetPath {
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $command = Get-Command -Name 'dotnet' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) {
        return $command.Source
    }

    if ($env:DOTNET_ROOT) {
        foreach ($name in 'dotnet', 'dotnet.exe') {
            $candidate = Join-Path $env:DOTNET_ROOT $name
            if (Test-Path -LiteralPath $candidate) {
                return $candidate
            }
        }
    }

    throw 'dotnet is not on PATH; the fake Jelou API runs with dotnet.'
}

function Get-FakeBaseUri {
    param([Parameter(Mandatory = $true)] $Fake)

    if ($Fake -is [string]) {
        return $Fake.TrimEnd('/')
    }

    if ($Fake -is [uri]) {
        return $Fake.AbsoluteUri.TrimEnd('/')
    }

    return ([string]$Fake.BaseUri).TrimEnd('/')
}

function Get-RestParameters {
    # PowerShell 7 honours HTTP(S)_PROXY for Invoke-RestMethod; the fake is on loopback and must be reached directly.
    $parameters = @{ ErrorAction = 'Stop' }
    if ($PSVersionTable.PSVersion.Major -ge 6) {
        $parameters['NoProxy'] = $true
    }
    else {
        $parameters['UseBasicParsing'] = $true
    }

    return $parameters
}

function Start-FakeJelouApi {
    <#
    .SYNOPSIS
        Starts the fake Jelou API on an ephemeral loopback port and returns BaseUri, Process and Credential.
    .DESCRIPTION
        Standard input is redirected to a pipe that this session keeps open: the fake stops by itself when the
        pipe closes, so a crashed test run never leaves a server behind. Stop-FakeJelouApi closes the pipe and,
        if needed, kills the process. With -IgnoreStdin the fake gets --ignore-stdin instead.
    #>
    [CmdletBinding()]
    param(
        # Extra arguments, such as '--known-bot', 'bot1'.
        [string[]] $ArgumentList = @(),
        [string] $ClientId = 'test-client',
        [string] $ClientSecret = 'test-secret',
        [int] $TimeoutSeconds = 30,
        [switch] $IgnoreStdin
    )

    $dll = Get-FakeJelouApiPath
    $arguments = @($dll, '--port', '0', '--client-id', $ClientId, '--client-secret', $ClientSecret)
    if ($IgnoreStdin) {
        $arguments += '--ignore-stdin'
    }

    $arguments += $ArgumentList

    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = Get-DotNetPath
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.CreateNoWindow = $true
    $startInfo.WorkingDirectory = Split-Path -Parent $dll
    $startInfo.StandardOutputEncoding = New-Object System.Text.UTF8Encoding($false)
    if ($null -ne $startInfo.PSObject.Properties['ArgumentList']) {
        foreach ($argument in $arguments) {
            $startInfo.ArgumentList.Add([string]$argument)
        }
    }
    else {
        # Windows PowerShell 5.1 (.NET Framework) has only the Arguments string.
        $startInfo.Arguments = (@(foreach ($argument in $arguments) { '"' + ([string]$argument).Replace('"', '\"') + '"' }) -join ' ')
    }

    $process = [System.Diagnostics.Process]::Start($startInfo)
    if ($null -eq $process) {
        throw "Could not start '$($startInfo.FileName) $dll'."
    }

    $seen = New-Object System.Text.StringBuilder
    $baseUri = $null
    try {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ($null -eq $baseUri) {
            $remaining = $deadline - [DateTime]::UtcNow
            if ($remaining -le [TimeSpan]::Zero) {
                throw "The fake Jelou API did not print 'Listening on ...' within $TimeoutSeconds s. Output so far: $seen"
            }

            $pending = $process.StandardOutput.ReadLineAsync()
            if (-not $pending.Wait([int][Math]::Ceiling($remaining.TotalMilliseconds))) {
                throw "The fake Jelou API did not print 'Listening on ...' within $TimeoutSeconds s. Output so far: $seen"
            }

            $line = $pending.Result
            if ($null -eq $line) {
                $code = $null
                if ($process.WaitForExit(5000)) {
                    $code = $process.ExitCode
                }

                throw "The fake Jelou API exited (exit code $code) before listening. Output: $seen"
            }

            [void]$seen.AppendLine($line)
            if ($line -match 'Listening on (http://\S+)') {
                $baseUri = $Matches[1]
            }
        }
    }
    catch {
        $failure = $_
        try {
            if (-not $process.HasExited) {
                $process.Kill()
            }
        }
        catch {
            Write-Verbose "Could not kill the fake API process: $_"
        }

        $process.Dispose()
        throw $failure
    }

    if (-not $baseUri.EndsWith('/')) {
        $baseUri += '/'
    }

    $secure = New-Object System.Security.SecureString
    foreach ($character in $ClientSecret.ToCharArray()) {
        $secure.AppendChar($character)
    }

    $secure.MakeReadOnly()
    [pscustomobject]@{
        PSTypeName   = 'Jelou.Tests.FakeApi'
        BaseUri      = $baseUri
        Process      = $process
        ProcessId    = $process.Id
        Credential   = New-Object System.Management.Automation.PSCredential($ClientId, $secure)
        ClientId     = $ClientId
        ClientSecret = $ClientSecret
        DllPath      = $dll
    }
}

function Stop-FakeJelouApi {
    <# Stops a fake started by Start-FakeJelouApi: closes its stdin, waits, then kills it if it is still running. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [AllowNull()]
        $Fake
    )

    process {
        if ($null -eq $Fake -or $null -eq $Fake.Process) {
            return
        }

        $process = $Fake.Process
        try {
            if (-not $process.HasExited) {
                try {
                    $process.StandardInput.Close()
                }
                catch {
                    Write-Verbose "Could not close the fake API's stdin: $_"
                }

                if (-not $process.WaitForExit(5000)) {
                    try {
                        $process.Kill()
                    }
                    catch {
                        Write-Verbose "Could not kill the fake API process: $_"
                    }

                    [void]$process.WaitForExit(5000)
                }
            }
        }
        finally {
            $process.Dispose()
        }
    }
}

function Get-FakeLedger {
    <# GET /_fake/ledger: count, maxInFlight, totalRequests and entries (sequence, endpoint, botId, roomId, userId, type, body, messageId, ...). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)] $Fake,
        [switch] $Attempts
    )

    $uri = (Get-FakeBaseUri $Fake) + '/_fake/ledger'
    if ($Attempts) {
        $uri += '?attempts=1'
    }

    $rest = Get-RestParameters
    Invoke-RestMethod -Uri $uri -Method Get @rest
}

function Reset-FakeJelouApi {
    <# POST /_fake/reset: clears the ledger, the scripted responses and every fault. #>
    [CmdletBinding()]
    param([Parameter(Mandatory = $true, Position = 0)] $Fake)

    $rest = Get-RestParameters
    $null = Invoke-RestMethod -Uri ((Get-FakeBaseUri $Fake) + '/_fake/reset') -Method Post @rest
}

function Invoke-FakeControl {
    param(
        [Parameter(Mandatory = $true)] $Fake,
        [Parameter(Mandatory = $true)] [string] $Path,
        [Parameter(Mandatory = $true)] [string] $Json
    )

    $rest = Get-RestParameters
    $body = [System.Text.Encoding]::UTF8.GetBytes($Json)
    Invoke-RestMethod -Uri ((Get-FakeBaseUri $Fake) + $Path) -Method Post -Body $body -ContentType 'application/json; charset=utf-8' @rest
}

function Set-FakeFaults {
    <#
    .SYNOPSIS
        POST /_fake/faults with any of latencyMs, latencyJitterMs, rate429, rate503, rate500, rateDropBeforeRead,
        rateDropAfterAccept, retryAfter, rateLimit (requests per second, 0 = off) and rateLimitBurst. Returns the
        settings now in force.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)] $Fake,
        [Parameter(Mandatory = $true, Position = 1)] [hashtable] $Faults
    )

    Invoke-FakeControl -Fake $Fake -Path '/_fake/faults' -Json (ConvertTo-Json -InputObject $Faults -Depth 5 -Compress)
}

function Add-FakeResponse {
    <#
    .SYNOPSIS
        POST /_fake/enqueue: the next API requests get these answers, in order.
    .EXAMPLE
        Add-FakeResponse $fake @{ status = 422 }, @{ status = 500 }
        Add-FakeResponse $fake @{ status = 503; headers = @{ 'Retry-After' = '0' } }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)] $Fake,
        # Hashtables with status, body, headers, drop ('before' or 'after') and delayMs.
        [Parameter(Mandatory = $true, Position = 1)] [object[]] $Response
    )

    # -InputObject keeps a single response an array, which the endpoint accepts as well.
    $json = ConvertTo-Json -InputObject @($Response) -Depth 10 -Compress
    $null = Invoke-FakeControl -Fake $Fake -Path '/_fake/enqueue' -Json $json
}

function Invoke-IsolatedScript {
    <#
    .SYNOPSIS
        Runs a script block in a new PowerShell process (a background job, started without a profile) and
        returns its output. For checks that need a session without this one's module state.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [scriptblock] $ScriptBlock,
        [object[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 120
    )

    $job = Start-Job -ScriptBlock $ScriptBlock -ArgumentList $ArgumentList
    try {
        $finished = Wait-Job -Job $job -Timeout $TimeoutSeconds
        if ($null -eq $finished) {
            throw "The isolated script did not finish within $TimeoutSeconds s."
        }

        $jobErrors = $null
        $output = Receive-Job -Job $job -ErrorAction SilentlyContinue -ErrorVariable jobErrors
        if ($jobErrors) {
            foreach ($jobError in $jobErrors) {
                Write-Warning "Isolated script error: $jobError"
            }
        }

        $output
    }
    finally {
        Remove-Job -Job $job -Force -ErrorAction SilentlyContinue
    }
}

function New-TestCredential {
    <# A PSCredential from a plain test secret (client id = user name). #>
    [CmdletBinding()]
    [OutputType([pscredential])]
    param(
        [Parameter(Mandatory = $true)] [string] $Id,
        [Parameter(Mandatory = $true)] [string] $PlainSecret
    )

    $secure = New-Object System.Security.SecureString
    foreach ($character in $PlainSecret.ToCharArray()) {
        $secure.AppendChar($character)
    }

    New-Object System.Management.Automation.PSCredential($Id, $secure)
}

function Enter-JelouTestEnvironment {
    <#
    .SYNOPSIS
        For a whole test file: points XDG_CONFIG_HOME at a new folder and removes every JELOU_* variable, so the real
        user's ~/.config/jelou and environment are never read or written. Returns what Exit-JelouTestEnvironment
        puts back; call that in AfterAll.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory = $true)] [string] $ConfigHome)

    $state = [pscustomobject]@{
        ConfigHome = $env:XDG_CONFIG_HOME
        Variables  = @(
            Get-ChildItem -Path 'Env:' |
                Where-Object { $_.Name -like 'JELOU_*' } |
                ForEach-Object { [pscustomobject]@{ Name = $_.Name; Value = $_.Value } }
        )
    }
    foreach ($variable in $state.Variables) {
        Remove-Item -LiteralPath ('Env:' + $variable.Name)
    }

    $full = [System.IO.Path]::GetFullPath($ConfigHome)
    $null = New-Item -ItemType Directory -Path $full -Force
    $env:XDG_CONFIG_HOME = $full
    $state
}

function Exit-JelouTestEnvironment {
    <# Undoes Enter-JelouTestEnvironment: JELOU_* variables as they were, XDG_CONFIG_HOME as it was. #>
    [CmdletBinding()]
    param(
        [AllowNull()] $State,

        # Session profiles the file created: they are process-wide, so they are removed before the next file runs.
        [string[]] $SessionProfile = @()
    )

    $names = @($SessionProfile | Where-Object { $_ })
    if ($names.Count -gt 0 -and (Get-Command -Name 'Remove-JelouCredential' -ErrorAction SilentlyContinue)) {
        foreach ($name in $names) {
            Remove-JelouCredential -Name $name -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    if ($null -eq $State) {
        return
    }

    Get-ChildItem -Path 'Env:' | Where-Object { $_.Name -like 'JELOU_*' } | ForEach-Object { Remove-Item -LiteralPath ('Env:' + $_.Name) }
    foreach ($variable in $State.Variables) {
        Set-Item -LiteralPath ('Env:' + $variable.Name) -Value $variable.Value
    }

    if ($null -eq $State.ConfigHome) {
        Remove-Item -LiteralPath 'Env:XDG_CONFIG_HOME' -ErrorAction SilentlyContinue
    }
    else {
        $env:XDG_CONFIG_HOME = $State.ConfigHome
    }
}

function Import-JelouModuleFromPath {
    <#
    .SYNOPSIS
        Puts the staging folder (out/, which holds Jelou/<version>/) first on PSModulePath and imports the staged
        module, as an installed module would be found: Get-Help resolves a cmdlet's help through the module path.
        Returns the previous PSModulePath, for AfterAll to put back.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $modulePath = Get-JelouModulePath
    # out/Jelou/<version>/Jelou.psd1 -> out
    $modulesRoot = Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $modulePath))
    $saved = $env:PSModulePath
    $env:PSModulePath = $modulesRoot + [System.IO.Path]::PathSeparator + $env:PSModulePath
    Import-Module $modulePath -Force -Global
    $saved
}

function Get-PowerShellCommand {
    <#
    .SYNOPSIS
        How to start a new process of the PowerShell running this session: FilePath, plus ArgumentList to put
        before the new process's own arguments.
    .DESCRIPTION
        The repository's PowerShell is the .NET tool (dotnet tool restore; dotnet pwsh). `dotnet pwsh` is a
        launcher: it starts the real PowerShell, dotnet running $PSHOME/pwsh.dll, as a child process. A new
        PowerShell is started as that child is, directly, so the process a test holds (and may kill) is the
        PowerShell itself, and never some other pwsh that happens to be on PATH.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()

    $current = (Get-Process -Id $PID).Path
    $name = if ($current) { [System.IO.Path]::GetFileNameWithoutExtension($current) } else { '' }
    if ($name -in @('pwsh', 'powershell')) {
        return [pscustomobject]@{ FilePath = $current; ArgumentList = @() }
    }

    $assembly = Join-Path -Path $PSHOME -ChildPath 'pwsh.dll'
    if ($name -eq 'dotnet' -and (Test-Path -LiteralPath $assembly)) {
        return [pscustomobject]@{ FilePath = $current; ArgumentList = @($assembly) }
    }

    throw "Cannot tell how to start another PowerShell like this one (process '$current', PSHOME '$PSHOME')."
}

function Start-PowerShellProcess {
    <#
    .SYNOPSIS
        Starts a script file in a new PowerShell process, with its output and errors redirected, and returns the
        System.Diagnostics.Process. The process is PowerShell itself, not a launcher, so Kill() stops the run.
    #>
    [CmdletBinding()]
    [OutputType([System.Diagnostics.Process])]
    param(
        [Parameter(Mandatory = $true)] [string] $ScriptPath,
        [string[]] $ArgumentList = @(),
        [hashtable] $Environment = @{}
    )

    $command = Get-PowerShellCommand
    $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $command.FilePath
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.RedirectStandardInput = $true
    $prefix = @()
    if (Test-SigIntIgnored) {
        # A job started with & by a non-interactive shell ignores SIGINT, and so would the child (an ignored signal
        # survives exec, and .NET then never raises Console.CancelKeyPress): env gives it Ctrl+C back, and execs in
        # place, so the process started is still PowerShell itself.
        $startInfo.FileName = 'env'
        $prefix = @('--default-signal=INT', $command.FilePath)
    }

    foreach ($argument in $prefix + @($command.ArgumentList) + @('-NoProfile', '-NonInteractive', '-File', $ScriptPath) + $ArgumentList) {
        $startInfo.ArgumentList.Add($argument)
    }

    foreach ($entry in $Environment.GetEnumerator()) {
        $startInfo.Environment[[string]$entry.Key] = [string]$entry.Value
    }

    return [System.Diagnostics.Process]::Start($startInfo)
}

function Test-SigIntIgnored {
    <# True on Linux when this process ignores SIGINT (its SigIgn mask in /proc), as a background job of a script does. #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()

    $status = '/proc/self/status'
    if (-not (Test-Path -LiteralPath $status)) { return $false }
    $line = Get-Content -LiteralPath $status | Where-Object { $_ -like 'SigIgn:*' } | Select-Object -First 1
    if (-not $line) { return $false }
    $mask = [Convert]::ToUInt64(($line -split '\s+')[1], 16)
    return ($mask -band 2) -ne 0
}

function ConvertTo-Utf8BomFile {
    <# Writes text as UTF-8 with a byte order mark, as Excel saves "CSV UTF-8". #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $Path,
        [Parameter(Mandatory = $true)] [AllowEmptyString()] [string] $Text
    )

    [System.IO.File]::WriteAllText($Path, $Text, (New-Object System.Text.UTF8Encoding($true)))
}

# Runs $Script (with the parameters Uri and Credential of the fake API) in a new PowerShell instance of this process and returns
# every progress record, verbose message and output object it wrote, each with T, the milliseconds since the
# command started. Records written within one poll share a T, in the order they were written.
function Watch-Send {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] $Fake,
        [Parameter(Mandatory = $true)] [string] $Script,
        [string] $ModulePath = (Get-JelouModulePath),
        [int] $TimeoutSeconds = 60
    )

    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$ModulePath'; `$ProgressPreference = 'Continue'").AddStatement()
        $null = $ps.AddScript($Script).AddParameter('Uri', $Fake.BaseUri).AddParameter('Credential', $Fake.Credential)
        $output = New-Object 'System.Management.Automation.PSDataCollection[psobject]'
        $inputData = New-Object 'System.Management.Automation.PSDataCollection[psobject]'
        $inputData.Complete()
        $events = New-Object System.Collections.Generic.List[object]
        $seenProgress = 0
        $seenVerbose = 0
        $seenOutput = 0
        $started = $false
        $clock = $null
        $handle = $ps.BeginInvoke($inputData, $output)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        do {
            $finished = $handle.IsCompleted

            # The clock starts at the first record of any kind, so Import-Module's time is not counted.
            if (-not $started -and ($ps.Streams.Progress.Count -gt 0 -or $ps.Streams.Verbose.Count -gt 0 -or $output.Count -gt 0 -or $ps.Streams.Error.Count -gt 0)) {
                $started = $true
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
            }

            $t = if ($started) { $clock.ElapsedMilliseconds } else { 0 }
            while ($seenProgress -lt $ps.Streams.Progress.Count) {
                $record = $ps.Streams.Progress[$seenProgress++]
                $events.Add([pscustomobject]@{ T = $t; Kind = 'Progress'; Text = $record.StatusDescription; Record = $record })
            }

            while ($seenVerbose -lt $ps.Streams.Verbose.Count) {
                $events.Add([pscustomobject]@{ T = $t; Kind = 'Verbose'; Text = $ps.Streams.Verbose[$seenVerbose++].Message; Record = $null })
            }

            while ($seenOutput -lt $output.Count) {
                $item = $output[$seenOutput++]
                $events.Add([pscustomobject]@{ T = $t; Kind = 'Output'; Text = [string]$item.Status; Record = $item })
            }

            if (-not $finished) {
                if ([DateTime]::UtcNow -gt $deadline) {
                    $ps.Stop()
                    throw "The send did not finish within $TimeoutSeconds s."
                }

                Start-Sleep -Milliseconds 30
            }
        }
        while (-not $finished)

        $null = $ps.EndInvoke($handle)
        return , $events.ToArray()
    }
    finally {
        $ps.Dispose()
    }
}

# The run as text, for the -Because of an assertion: a timing test that fails says what it saw and when.
function Format-Events {
    [CmdletBinding()]
    param([object[]] $Events)
    "the run was:`n" + (@($Events | ForEach-Object { '{0,6} ms {1,-8} {2}' -f $_.T, $_.Kind, $_.Text }) -join "`n")
}

# GET /_fake/campaigns: stepMs, the uploads (sequence, id, status, contentType, fields, json, fileName, fileContentType,
# file, receivedAt) and the query string of every campaign listing. With -StepMs, first sets how long an uploaded
# campaign stays PENDING and then IN_PROGRESS.
function Get-FakeCampaigns {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)] $Fake,
        [int] $StepMs = -1
    )

    if ($StepMs -ge 0) {
        return Invoke-FakeControl -Fake $Fake -Path '/_fake/campaigns' -Json ('{"stepMs":' + $StepMs + '}')
    }

    $rest = Get-RestParameters
    Invoke-RestMethod -Uri ((Get-FakeBaseUri $Fake) + '/_fake/campaigns') -Method Get @rest
}

Export-ModuleMember -Function @(
    'Get-JelouRepositoryRoot'
    'Get-JelouModulePath'
    'Get-FakeJelouApiPath'
    'Start-FakeJelouApi'
    'Stop-FakeJelouApi'
    'Get-FakeLedger'
    'Reset-FakeJelouApi'
    'Set-FakeFaults'
    'Add-FakeResponse'
    'Invoke-IsolatedScript'
    'Get-PowerShellCommand'
    'New-TestCredential'
    'Import-JelouModuleFromPath'
    'Enter-JelouTestEnvironment'
    'Exit-JelouTestEnvironment'
    'Start-PowerShellProcess'
    'ConvertTo-Utf8BomFile'
    'Watch-Send'
    'Format-Events'
    'Get-FakeCampaigns'
)

function Add-FakeRule {
    <#
    .SYNOPSIS
    Adds data rules to the fake (POST /_fake/rules): each answers the requests of one user id (or suffix), so a listing
    or another row is never the one that takes it, as it can be with Add-FakeResponse's queue.
    .EXAMPLE
    Add-FakeRule $fake @{ userId = '593991200031'; times = 1; response = @{ status = 422 } }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0)] $Fake,
        [Parameter(Mandatory = $true, Position = 1)] [hashtable[]] $Rule
    )

    $null = Invoke-FakeControl -Fake $Fake -Path '/_fake/rules' -Json (ConvertTo-Json -InputObject @($Rule) -Depth 6 -Compress)
}

Export-ModuleMember -Function 'Add-FakeRule'

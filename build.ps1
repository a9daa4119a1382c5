#Requires -Version 5.1
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the Jelou PowerShell module.

.DESCRIPTION
    Runs the tasks in the order given. Needs only the .NET SDK (dotnet) on PATH: PowerShell itself comes from the
    repository's tool manifest, so on a machine without pwsh run it as

        dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test

    It also runs in any PowerShell 7 or Windows PowerShell 5.1.

      Clean    Removes out/, TestResults/ and the bin/ and obj/ folders of every project.
      Build    dotnet build Jelou.sln. A Release build stages the importable module in out/Jelou/<version>/.
      Test     Build, then the xunit tests (dotnet test), then the Pester suite in a new PowerShell process (Pester
               restored from NuGet by tests/tools/Get-PesterModule.ps1), then the totals over both as the last line,
               'N passed, N failed'. Exits 1 when anything failed or could not run. Results go to TestResults/.
      Package  Build (Release), then writes Jelou.<version>.nupkg of the staged module to out/packages/, through a
               temporary local repository (Publish-PSResource, or Publish-Module when PSResourceGet is missing).
      Demo     Build (Release), then starts the fake Jelou API, sends tests/pester/data/demo-clientes.csv through
               Send-JelouBotMessage and prints the report.

    The Pester suite and the demo run in a new PowerShell process, so this session never loads the module's
    assemblies (which would lock them on Windows for the next build). Put Test last: its totals line is the last
    line of its output.

.PARAMETER Task
    One or more of Clean, Build, Test, Package, Demo. Build by default.

.PARAMETER Configuration
    Release (default) or Debug. The module is staged only by a Release build, so Test, Package and Demo also
    build Release when Debug is asked for.

.EXAMPLE
    ./build.ps1

.EXAMPLE
    ./build.ps1 -Task Clean, Test

.EXAMPLE
    ./build.ps1 -Task Package -Verbose
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Package', 'Demo')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
if (-not $PSBoundParameters.ContainsKey('InformationAction')) {
    $InformationPreference = 'Continue'
}

$script:RepositoryRoot = $PSScriptRoot
$script:Solution = Join-Path -Path $PSScriptRoot -ChildPath 'Jelou.sln'
$script:ModuleVersion = (Import-PowerShellDataFile -Path (Join-Path -Path $PSScriptRoot -ChildPath 'Jelou.psd1')).ModuleVersion
$script:BuiltConfigurations = @{}

# Get-PowerShellCommand: how to start another PowerShell like this one, shared with the Pester suite. A script module,
# so importing it loads no assembly that a later build would find locked.
Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, 'tests', 'pester', 'JelouTestHelpers.psm1')) -Function 'Get-PowerShellCommand' -Force

function Write-Step {
    param([Parameter(Mandatory = $true)] [string] $Message)

    Write-Information -MessageData ('==> ' + $Message)
}

function Get-ToolPath {
    <# The full path of an executable on PATH, or $null when there is none. #>
    [OutputType([string])]
    param([Parameter(Mandatory = $true)] [string] $Name)

    $command = Get-Command -Name $Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -eq $command) {
        return $null
    }

    return $command.Source
}

function Get-DotNetPath {
    [OutputType([string])]
    param()

    $path = Get-ToolPath -Name 'dotnet'
    if (-not $path) {
        throw 'dotnet is not on PATH. Install the .NET SDK named in global.json.'
    }

    return $path
}

function ConvertTo-ArgumentString {
    <# Quotes arguments for ProcessStartInfo.Arguments (Windows PowerShell has no ArgumentList). #>
    [OutputType([string])]
    param([string[]] $ArgumentList = @())

    $quoted = foreach ($argument in $ArgumentList) {
        if ($argument -eq '') {
            '""'
        }
        elseif ($argument -notmatch '[\s"]') {
            $argument
        }
        else {
            # Backslashes are literal except before a quote: double those, and the ones before the closing quote.
            '"' + ($argument -replace '(\\*)"', '$1$1\"' -replace '(\\+)$', '$1$1') + '"'
        }
    }

    return ($quoted -join ' ')
}

function Invoke-NativeCommand {
    <#
        Runs an executable with this console as its output and returns its exit code. The output is not piped
        through PowerShell, so build servers that outlive dotnet cannot hold a pipe open and hang the build.
    #>
    [OutputType([int])]
    param(
        [Parameter(Mandatory = $true)] [string] $FilePath,
        [string[]] $ArgumentList = @()
    )

    Write-Information -MessageData ('> {0} {1}' -f $FilePath, ($ArgumentList -join ' '))
    $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $FilePath
    $startInfo.UseShellExecute = $false
    $startInfo.WorkingDirectory = $script:RepositoryRoot
    if ($null -ne $startInfo.PSObject.Properties['ArgumentList']) {
        foreach ($argument in $ArgumentList) {
            $startInfo.ArgumentList.Add($argument)
        }
    }
    else {
        $startInfo.Arguments = ConvertTo-ArgumentString -ArgumentList $ArgumentList
    }

    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $process.WaitForExit()
        return $process.ExitCode
    }
    finally {
        $process.Dispose()
    }
}

function Get-StagedManifestPath {
    [OutputType([string])]
    param()

    return [System.IO.Path]::Combine($script:RepositoryRoot, 'out', 'Jelou', $script:ModuleVersion, 'Jelou.psd1')
}

function Invoke-CleanTask {
    $targets = [System.Collections.Generic.List[string]]::new()
    foreach ($name in @('out', 'TestResults')) {
        $path = Join-Path -Path $script:RepositoryRoot -ChildPath $name
        if (Test-Path -LiteralPath $path) {
            $targets.Add($path)
        }
    }

    $projects = Get-ChildItem -Path $script:RepositoryRoot -Filter '*.csproj' -Recurse -File
    foreach ($project in $projects) {
        foreach ($name in @('bin', 'obj')) {
            $path = Join-Path -Path $project.DirectoryName -ChildPath $name
            if (Test-Path -LiteralPath $path) {
                $targets.Add($path)
            }
        }
    }

    foreach ($target in $targets) {
        Write-Verbose -Message "Removing $target"
        Remove-Item -LiteralPath $target -Recurse -Force
    }

    $script:BuiltConfigurations = @{}
    Write-Information -MessageData ('Removed {0} folder(s).' -f $targets.Count)
}

function Invoke-BuildTask {
    param([Parameter(Mandatory = $true)] [string] $BuildConfiguration)

    if ($script:BuiltConfigurations.ContainsKey($BuildConfiguration)) {
        Write-Verbose -Message "$BuildConfiguration is already built in this run."
        return
    }

    $exitCode = Invoke-NativeCommand -FilePath (Get-DotNetPath) -ArgumentList @('build', $script:Solution, '-c', $BuildConfiguration, '-nologo')
    if ($exitCode -ne 0) {
        throw "dotnet build -c $BuildConfiguration failed (exit code $exitCode)."
    }

    if ($BuildConfiguration -eq 'Release') {
        $manifest = Get-StagedManifestPath
        if (-not (Test-Path -LiteralPath $manifest)) {
            throw "The Release build did not stage the module at '$manifest'."
        }

        Write-Information -MessageData ('Module staged in {0}' -f (Split-Path -Path $manifest -Parent))
    }

    $script:BuiltConfigurations[$BuildConfiguration] = $true
}

function Invoke-ReleaseBuild {
    <# Builds the requested configuration and, when that is not Release, Release as well (it stages the module). #>
    param([Parameter(Mandatory = $true)] [string] $Purpose)

    Invoke-BuildTask -BuildConfiguration $Configuration
    if ($Configuration -ne 'Release') {
        Write-Warning -Message "$Purpose uses the module staged by a Release build; building Release as well."
        Invoke-BuildTask -BuildConfiguration 'Release'
    }
}

function Invoke-TestTask {
    <#
        Runs every test and writes the totals over xunit and Pester as the last line, 'N passed, N failed', which CI
        reads. Returns $true when everything passed. A step that cannot run (the build, the Pester restore, a run
        that writes no results) is a failure on that line, so a broken bootstrap can never look like a green run.
    #>
    [OutputType([bool])]
    param()

    $results = Join-Path -Path $script:RepositoryRoot -ChildPath 'TestResults'
    $failures = [System.Collections.Generic.List[string]]::new()
    try {
        Invoke-ReleaseBuild -Purpose 'The Pester suite'
        if (Test-Path -LiteralPath $results) {
            Remove-Item -LiteralPath $results -Recurse -Force
        }

        $null = New-Item -ItemType Directory -Path $results -Force

        Write-Step -Message 'xunit'
        $exitCode = Invoke-NativeCommand -FilePath (Get-DotNetPath) -ArgumentList @(
            'test', $script:Solution, '-c', $Configuration, '--no-build', '-nologo', '--logger', 'trx', '--results-directory', $results)
        if ($exitCode -ne 0) {
            $failures.Add("dotnet test exited with $exitCode")
        }

        # In a new process: Pester imports the module, and a build that follows must not find its assemblies loaded.
        Write-Step -Message 'Pester'
        $pester = [System.IO.Path]::Combine($script:RepositoryRoot, 'tests', 'pester', 'Invoke-JelouPester.ps1')
        $powerShell = Get-PowerShellCommand
        $exitCode = Invoke-NativeCommand -FilePath $powerShell.FilePath -ArgumentList (@($powerShell.ArgumentList) + @(
                '-NoProfile', '-NonInteractive', '-File', $pester, '-ResultPath', (Join-Path -Path $results -ChildPath 'pester.xml')))
        if ($exitCode -ne 0) {
            $failures.Add("Pester exited with $exitCode")
        }
    }
    catch {
        $failures.Add($_.Exception.Message)
    }

    Write-Step -Message 'Totals'
    $total = & ([System.IO.Path]::Combine($script:RepositoryRoot, 'tests', 'tools', 'Measure-TestResults.ps1')) -Path $results -ExpectPester
    foreach ($line in $total.Lines) {
        Write-Information -MessageData $line
    }

    $failed = $total.Failed
    foreach ($failure in $failures) {
        Write-Information -MessageData "  $failure"
    }

    # A step that failed without a failed test in the results (a crash, a build error) still fails the line.
    if ($failures.Count -gt 0 -and $failed -eq 0) {
        $failed = 1
    }

    Write-Information -MessageData ('  {0} skipped; results in {1}' -f $total.Skipped, $results)
    Write-Information -MessageData ('{0} passed, {1} failed' -f $total.Passed, $failed)
    return ($failed -eq 0)
}

function Invoke-PackageTask {
    Invoke-ReleaseBuild -Purpose 'Packaging'

    $moduleFolder = Split-Path -Path (Get-StagedManifestPath) -Parent
    $packages = [System.IO.Path]::Combine($script:RepositoryRoot, 'out', 'packages')
    $null = New-Item -ItemType Directory -Path $packages -Force
    $packageName = 'Jelou.{0}.nupkg' -f $script:ModuleVersion
    $existing = Join-Path -Path $packages -ChildPath $packageName
    if (Test-Path -LiteralPath $existing) {
        Remove-Item -LiteralPath $existing -Force
    }

    # Publishing takes the module name from the folder, so the staged out/Jelou/<version>/ is copied to <temp>/Jelou.
    $work = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('jelou-package-' + [guid]::NewGuid().ToString('N'))
    $source = Join-Path -Path $work -ChildPath 'Jelou'
    $null = New-Item -ItemType Directory -Path $source -Force
    Copy-Item -Path (Join-Path -Path $moduleFolder -ChildPath '*') -Destination $source -Recurse -Force

    $repositoryName = 'JelouBuild' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    try {
        if (Get-Command -Name 'Publish-PSResource' -ErrorAction SilentlyContinue) {
            Write-Information -MessageData "Publishing with Publish-PSResource to the folder repository $packages"
            Register-PSResourceRepository -Name $repositoryName -Uri $packages -Trusted
            try {
                Publish-PSResource -Path $source -Repository $repositoryName
            }
            finally {
                Unregister-PSResourceRepository -Name $repositoryName
            }
        }
        elseif (Get-Command -Name 'Publish-Module' -ErrorAction SilentlyContinue) {
            Write-Information -MessageData "Publishing with Publish-Module to the folder repository $packages"
            Register-PSRepository -Name $repositoryName -SourceLocation $packages -PublishLocation $packages -InstallationPolicy Trusted
            try {
                Publish-Module -Path $source -Repository $repositoryName -NuGetApiKey 'local-folder'
            }
            finally {
                Unregister-PSRepository -Name $repositoryName
            }
        }
        else {
            throw 'Packaging needs Microsoft.PowerShell.PSResourceGet (Publish-PSResource) or PowerShellGet (Publish-Module).'
        }
    }
    finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }

    $package = Get-ChildItem -LiteralPath $packages -Filter '*.nupkg' |
        Where-Object { $_.Name -ieq $packageName } |
        Select-Object -First 1
    if ($null -eq $package) {
        throw "Publishing finished but $packageName is not in $packages."
    }

    Write-Information -MessageData ('Package: {0}' -f $package.FullName)
    $package
}

function Invoke-DemoTask {
    Invoke-ReleaseBuild -Purpose 'The demo'

    $helpers = [System.IO.Path]::Combine($script:RepositoryRoot, 'tests', 'pester', 'JelouTestHelpers.psm1')
    $csv = [System.IO.Path]::Combine($script:RepositoryRoot, 'tests', 'pester', 'data', 'demo-clientes.csv')
    $demo = {
        param($ModulePath, $HelpersPath, $CsvPath)

        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'
        Import-Module -Name $HelpersPath -Force
        Import-Module -Name $ModulePath -Force
        $fake = Start-FakeJelouApi
        try {
            'Fake Jelou API listening on {0} (client id {1})' -f $fake.BaseUri, $fake.ClientId
            'Sending {0}' -f $CsvPath
            # "est" + a-acute keeps this file ASCII for Windows PowerShell 5.1.
            $ready = 'est' + [char]0x00E1 + ' listo'
            $report = @(
                Import-Csv -Path $CsvPath -Encoding UTF8 |
                    Send-JelouBotMessage -BotId 'demo-bot' -Text { 'Hola {0}, su pedido {1} {2}.' -f $_.nombre, $_.pedido, $ready } -BaseUri $fake.BaseUri -Credential $fake.Credential -ErrorAction SilentlyContinue |
                    Sort-Object -Property Row
            )

            $report | Format-Table -AutoSize | Out-String -Width 200
            'Totals: ' + ((@($report | Group-Object -Property Status | ForEach-Object { '{0} {1}' -f $_.Count, $_.Name })) -join ', ')

            $ledger = Get-FakeLedger -Fake $fake
            'What the fake API received ({0} message(s)):' -f @($ledger.entries).Count
            @($ledger.entries) |
                Sort-Object -Property sequence |
                ForEach-Object {
                    $body = $_.body | ConvertFrom-Json
                    [pscustomobject]@{ UserId = $_.userId; Type = $_.type; Text = $body.text }
                } |
                Format-Table -AutoSize |
                Out-String -Width 200
        }
        finally {
            Stop-FakeJelouApi -Fake $fake
        }
    }

    $job = Start-Job -ScriptBlock $demo -ArgumentList @((Get-StagedManifestPath), $helpers, $csv)
    Receive-Job -Job $job -Wait -AutoRemoveJob
}

foreach ($name in $Task) {
    Write-Step -Message ('{0} ({1})' -f $name, $Configuration)
    switch ($name) {
        'Clean' { Invoke-CleanTask }
        'Build' { Invoke-BuildTask -BuildConfiguration $Configuration }
        'Test' {
            # The totals line must stay the last line of the run, so a failed run ends here without an error record.
            if (-not (Invoke-TestTask)) {
                exit 1
            }
        }
        'Package' { Invoke-PackageTask }
        'Demo' { Invoke-DemoTask }
    }
}

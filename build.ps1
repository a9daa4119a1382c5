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
      Test     Build, then the xunit tests (dotnet test), then the .NET Framework lane (the core's tests built for net472,
               run natively on Windows and under Mono elsewhere; on Debian a missing Mono is installed with apt-get),
               then the Pester suite in a new PowerShell process (Pester restored from NuGet by
               tests/tools/Get-PesterModule.ps1), then the net472 lane's skip list and the totals over all of them as
               the last line, 'N passed, N failed'. Exits 1 when anything failed or could not run. Results go to
               TestResults/.
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
        [string[]] $ArgumentList = @(),

        # Variables added to the child's environment.
        [hashtable] $Environment = @{},

        # Kills the process (and its children, where the runtime can) after this long; 0 waits forever.
        [int] $TimeoutSeconds = 0
    )

    Write-Information -MessageData ('> {0} {1}' -f $FilePath, ($ArgumentList -join ' '))
    $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = $FilePath
    $startInfo.UseShellExecute = $false
    $startInfo.WorkingDirectory = $script:RepositoryRoot
    foreach ($name in $Environment.Keys) {
        $startInfo.EnvironmentVariables[$name] = [string]$Environment[$name]
    }

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
        if ($TimeoutSeconds -gt 0) {
            if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
                # Kill(true) ends the tree on .NET Core 3+; Windows PowerShell's .NET Framework has only Kill().
                if ($null -ne $process.GetType().GetMethod('Kill', [type[]]@([bool]))) {
                    $process.Kill($true)
                }
                else {
                    $process.Kill()
                }

                $process.WaitForExit()
                throw "$FilePath did not finish within $TimeoutSeconds s and was stopped."
            }
        }

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

# The .NET Framework lane: the core's xunit tests built for net472 (Windows PowerShell 5.1's runtime). On Windows the
# test executable runs natively; elsewhere under Mono. On Debian, a missing Mono is installed from Debian's packages: the
# runtime and only the class libraries the tests load (not mono-devel and its ~150 packages).
$script:MonoPackages = @(
    'mono-runtime',
    'libmono-system-net-http4.0-cil',
    'libmono-system-xml-linq4.0-cil',
    'libmono-system-data4.0-cil',
    'libmono-system-componentmodel-dataannotations4.0-cil',
    'libmono-system-runtime-serialization4.0-cil'
)

# Assemblies the lane loads from Mono's GAC, one per package above after the runtime: their absence means an install.
$script:MonoAssemblies = @('System.Net.Http', 'System.Xml.Linq', 'System.Data', 'System.ComponentModel.DataAnnotations', 'System.Runtime.Serialization')

function Test-IsWindowsHost {
    [OutputType([bool])]
    param()

    return ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT)
}

function Get-MonoFacadeFolder {
    <#
        Mono's netstandard.dll and the other facades that netstandard2.0 libraries need. Debian ships them only in
        mono-devel, so when Mono's own folder lacks them they are taken from that package's archive (downloaded with
        apt-get, unpacked, not installed) into out/mono-facades/<Mono version>/. Returns the folder for MONO_PATH, or
        $null when Mono has its own.
    #>
    [OutputType([string])]
    param()

    foreach ($prefix in @('/usr/lib/mono', '/usr/local/lib/mono', '/Library/Frameworks/Mono.framework/Versions/Current/lib/mono')) {
        if (Test-Path -LiteralPath ([System.IO.Path]::Combine($prefix, '4.5', 'Facades', 'netstandard.dll'))) {
            return $null
        }
    }

    $dpkgQuery = Get-ToolPath -Name 'dpkg-query'
    $aptGet = Get-ToolPath -Name 'apt-get'
    $dpkgDeb = Get-ToolPath -Name 'dpkg-deb'
    if (-not $dpkgQuery -or -not $aptGet -or -not $dpkgDeb) {
        throw 'Mono has no 4.5/Facades/netstandard.dll and this is not a Debian system to take it from: install Mono with its facades (mono-devel, or mono-complete).'
    }

    $version = (& $dpkgQuery -W -f '${Version}' 'mono-runtime' 2>$null)
    if (-not $version) {
        throw 'Mono is not from Debian packages and has no 4.5/Facades folder: install Mono with its facades.'
    }

    $folder = [System.IO.Path]::Combine($script:RepositoryRoot, 'out', 'mono-facades', ($version -replace '[^A-Za-z0-9.+-]', '_'))
    if (Test-Path -LiteralPath (Join-Path -Path $folder -ChildPath 'netstandard.dll')) {
        return $folder
    }

    $work = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('jelou-mono-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $work -Force
    try {
        # apt-get download writes to the current directory; the facades must match the runtime's version exactly.
        Push-Location -LiteralPath $work
        try {
            & $aptGet download -q ('mono-devel=' + $version) | Out-Null
        }
        finally {
            Pop-Location
        }

        $archive = Get-ChildItem -LiteralPath $work -Filter 'mono-devel_*.deb' | Select-Object -First 1
        if ($null -eq $archive) {
            throw "apt-get download mono-devel=$version produced no package."
        }

        $unpacked = Join-Path -Path $work -ChildPath 'unpacked'
        & $dpkgDeb -x $archive.FullName $unpacked
        $facades = [System.IO.Path]::Combine($unpacked, 'usr', 'lib', 'mono', '4.5', 'Facades')
        if (-not (Test-Path -LiteralPath (Join-Path -Path $facades -ChildPath 'netstandard.dll'))) {
            throw "mono-devel $version has no usr/lib/mono/4.5/Facades/netstandard.dll."
        }

        $null = New-Item -ItemType Directory -Path $folder -Force
        Copy-Item -Path (Join-Path -Path $facades -ChildPath '*.dll') -Destination $folder -Force
    }
    finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }

    return $folder
}

function Install-MonoRuntime {
    <# Installs Debian's Mono packages for the lane when mono or one of the assemblies it needs is missing. #>
    param()

    $missing = @($script:MonoAssemblies | Where-Object { -not (Test-Path -LiteralPath ([System.IO.Path]::Combine('/usr/lib/mono/gac', $_))) })
    if ((Get-ToolPath -Name 'mono') -and $missing.Count -eq 0) {
        return
    }

    $aptGet = Get-ToolPath -Name 'apt-get'
    $isRoot = (Get-ToolPath -Name 'id') -and ((& id -u) -eq '0')
    if (-not $aptGet -or -not $isRoot) {
        throw ('Mono is missing or incomplete and cannot be installed here (that needs apt-get as root). Install: ' + ($script:MonoPackages -join ' '))
    }

    Write-Information -MessageData ('Installing Mono from Debian packages: ' + ($script:MonoPackages -join ' '))
    $environment = @{ DEBIAN_FRONTEND = 'noninteractive' }
    $exitCode = Invoke-NativeCommand -FilePath $aptGet -ArgumentList @('update', '-q') -Environment $environment
    if ($exitCode -ne 0) {
        throw "apt-get update failed (exit code $exitCode)."
    }

    $exitCode = Invoke-NativeCommand -FilePath $aptGet -ArgumentList (@('install', '-y', '-q', '--no-install-recommends') + $script:MonoPackages) -Environment $environment
    if ($exitCode -ne 0 -or -not (Get-ToolPath -Name 'mono')) {
        throw "apt-get install of Mono failed (exit code $exitCode)."
    }
}

function Invoke-FrameworkLane {
    <#
        Runs the net472 build of the core's tests, writing TRX to <Results>/net472/, and returns the problems met (none
        when the run finished with results; failed tests are counted from the TRX like any other). A lane that cannot
        run is a problem, never a skip.
    #>
    [OutputType([string[]])]
    param([Parameter(Mandatory = $true)] [string] $Results)

    $executable = [System.IO.Path]::Combine($script:RepositoryRoot, 'tests', 'Jelou.Core.Tests', 'bin', $Configuration, 'net472', 'Jelou.Core.Tests.exe')
    $folder = Join-Path -Path $Results -ChildPath 'net472'
    $trx = Join-Path -Path $folder -ChildPath 'Jelou.Core.Tests.net472.trx'
    $null = New-Item -ItemType Directory -Path $folder -Force
    if (-not (Test-Path -LiteralPath $executable)) {
        return @("net472 lane: the build did not produce $executable")
    }

    # Parallel collections as in xunit.runner.json; the fake API processes it starts are .NET 10.
    $arguments = @($executable, '-noColor', '-noLogo', '-trx', $trx)
    $environment = @{}
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $installSeconds = 0
    try {
        if (Test-IsWindowsHost) {
            $filePath = $executable
            $arguments = $arguments[1..($arguments.Count - 1)]
        }
        else {
            $isMac = (Test-Path -LiteralPath 'variable:IsMacOS') -and $IsMacOS
            if ($isMac) {
                if (-not (Get-ToolPath -Name 'mono')) {
                    throw 'net472 lane: mono is not on PATH. Install Mono (https://www.mono-project.com, or brew install mono) to run the .NET Framework lane on macOS.'
                }
            }
            else {
                Install-MonoRuntime
                $facades = Get-MonoFacadeFolder
                if ($facades) {
                    $environment['MONO_PATH'] = $facades
                }
            }

            $installSeconds = $clock.Elapsed.TotalSeconds
            $filePath = Get-ToolPath -Name 'mono'
        }

        $environment['JELOU_FAKEAPI_DLL'] = [System.IO.Path]::Combine($script:RepositoryRoot, 'tests', 'Jelou.FakeApi', 'bin', $Configuration, 'net10.0', 'Jelou.FakeApi.dll')
        $runStarted = $clock.Elapsed.TotalSeconds
        $exitCode = Invoke-NativeCommand -FilePath $filePath -ArgumentList $arguments -Environment $environment -TimeoutSeconds 1200
        Write-Information -MessageData ('net472 lane: {0:N0} s to install Mono, {1:N0} s to run' -f $installSeconds, ($clock.Elapsed.TotalSeconds - $runStarted))
    }
    catch {
        return @($_.Exception.Message)
    }

    $problems = @()
    if (-not (Test-Path -LiteralPath $trx)) {
        $problems += "net472 lane wrote no results ($trx), exit code $exitCode"
    }
    elseif ($exitCode -ne 0) {
        # Failed tests set the exit code too; they are counted from the TRX. This line says the lane did not pass.
        $problems += "net472 lane exited with $exitCode"
    }

    return $problems
}

function Write-SkipList {
    <# The skipped tests of one lane, by reason and then by test class, so the list stays readable. #>
    param(
        [Parameter(Mandatory = $true)] [AllowEmptyCollection()] [object[]] $Skips,
        [Parameter(Mandatory = $true)] [string] $Lane
    )

    if ($Skips.Count -eq 0) {
        Write-Information -MessageData "  Skipped on $Lane`: none"
        return
    }

    Write-Information -MessageData ('  Skipped on {0}: {1}' -f $Lane, $Skips.Count)
    foreach ($reason in ($Skips | Group-Object -Property Reason | Sort-Object -Property Count -Descending)) {
        Write-Information -MessageData ('    {0} test(s): {1}' -f $reason.Count, $reason.Name)
        foreach ($class in ($reason.Group | Group-Object -Property { $_.Test -replace '\.[^.(]+(\(.*)?$', '' } | Sort-Object -Property Name)) {
            $methods = @($class.Group | ForEach-Object { ($_.Test -replace '\(.*$', '') -replace '^.*\.', '' } | Sort-Object -Unique)
            Write-Information -MessageData ('      {0}: {1}' -f $class.Name, ($methods -join ', '))
        }
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

        Write-Step -Message 'xunit on .NET Framework (net472)'
        foreach ($problem in (Invoke-FrameworkLane -Results $results)) {
            $failures.Add($problem)
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

    $frameworkSkips = @($total.Skips | Where-Object { $_.File -like ('*' + [System.IO.Path]::DirectorySeparatorChar + 'net472' + [System.IO.Path]::DirectorySeparatorChar + '*') })
    Write-SkipList -Skips $frameworkSkips -Lane 'net472'
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

#Requires -Version 5.1
<#
.SYNOPSIS
    Runs the Pester 5 suite against the staged module (out/Jelou/<version>/) and writes an NUnit 2.5 report.
.DESCRIPTION
    Build first (dotnet build Jelou.sln -c Release, or ./build.ps1): that stages the module and builds the fake API
    the tests start. Pester itself is restored from NuGet by tests/tools/Get-PesterModule.ps1. Exits 1 when Pester
    cannot be had, when a test, a block or a file failed, or when no test ran.
.EXAMPLE
    dotnet pwsh -NoProfile -NonInteractive -File tests/pester/Invoke-JelouPester.ps1 -ResultPath TestResults/pester.xml
#>
[CmdletBinding()]
param(
    # Where to write the NUnit 2.5 XML report (root element test-results).
    [string] $ResultPath = 'TestResults/pester.xml',

    # Test files or folders; this folder by default.
    [string[]] $Path = @($PSScriptRoot)
)

$ErrorActionPreference = 'Stop'

# Always the Pester that tests/tools/Pester.csproj names, restored from NuGet: never one installed on the machine
# (another version) and never the Gallery (not reachable from CI). Without it the run fails; it is never skipped.
try {
    $pesterManifest = & ([System.IO.Path]::Combine($PSScriptRoot, '..', 'tools', 'Get-PesterModule.ps1'))
    Import-Module -Name $pesterManifest -Force -ErrorAction Stop
}
catch {
    Write-Error -Message "Pester could not be restored or imported: $($_.Exception.Message)" -ErrorAction Continue
    exit 1
}

$resultFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ResultPath)
$resultFolder = Split-Path -Parent $resultFile
if ($resultFolder -and -not (Test-Path -LiteralPath $resultFolder)) {
    $null = New-Item -ItemType Directory -Path $resultFolder -Force
}

$configuration = New-PesterConfiguration
$configuration.Run.Path = [string[]]$Path
$configuration.Run.Exit = $false
$configuration.Run.PassThru = $true
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $resultFile
$configuration.Output.Verbosity = 'Detailed'
if ([Console]::IsOutputRedirected) {
    # A CI log or a file: no colour escape sequences in it.
    $configuration.Output.RenderMode = 'Plaintext'
}

# The tests run in scopes below this one: give them PowerShell's default error behaviour, not this script's 'Stop'.
$ErrorActionPreference = 'Continue'
$result = Invoke-Pester -Configuration $configuration

if ($null -eq $result) {
    Write-Error -Message 'Invoke-Pester returned no result.' -ErrorAction Continue
    exit 1
}

$failedBlocks = 0
$failedContainers = 0
if ($null -ne $result.PSObject.Properties['FailedBlocksCount']) {
    $failedBlocks = [int]$result.FailedBlocksCount
}

if ($null -ne $result.PSObject.Properties['FailedContainersCount']) {
    $failedContainers = [int]$result.FailedContainersCount
}

Write-Output ("Pester: {0} passed, {1} failed, {2} skipped, {3} not run; {4} failed blocks, {5} failed files. Report: {6}" -f
    $result.PassedCount, $result.FailedCount, $result.SkippedCount, $result.NotRunCount, $failedBlocks, $failedContainers, $resultFile)

if ($result.FailedCount -gt 0 -or $failedBlocks -gt 0 -or $failedContainers -gt 0 -or $result.Result -ne 'Passed') {
    exit 1
}

if ($result.TotalCount -eq 0) {
    Write-Error -Message 'Pester ran no test.' -ErrorAction Continue
    exit 1
}

exit 0

#Requires -Version 5.1
<#
.SYNOPSIS
    Runs the Pester 5 suite against the staged module (out/Jelou/<version>/) and writes an NUnit 2.5 report.
.DESCRIPTION
    Build first (dotnet build Jelou.sln -c Release, or ./build.ps1): that stages the module and builds the fake API
    the tests start. Exits 1 when a test, a block or a file failed, or when no test ran.
.EXAMPLE
    pwsh -NoProfile -NonInteractive -File tests/pester/Invoke-JelouPester.ps1 -ResultPath TestResults/pester.xml
#>
[CmdletBinding()]
param(
    # Where to write the NUnit 2.5 XML report (root element test-results).
    [string] $ResultPath = 'TestResults/pester.xml',

    # Test files or folders; this folder by default.
    [string[]] $Path = @($PSScriptRoot)
)

$ErrorActionPreference = 'Stop'

$pester = Get-Module -Name Pester -ListAvailable |
    Where-Object { $_.Version -ge [version]'5.0' } |
    Sort-Object -Property Version -Descending |
    Select-Object -First 1
if ($null -eq $pester) {
    Write-Output 'Pester 5 is not installed; installing it for the current user from the PowerShell Gallery.'
    try {
        if (Get-Command -Name Install-Module -ErrorAction SilentlyContinue) {
            Install-Module -Name Pester -MinimumVersion 5.5 -Scope CurrentUser -Force -SkipPublisherCheck -AllowClobber -ErrorAction Stop
        }
        elseif (Get-Command -Name Install-PSResource -ErrorAction SilentlyContinue) {
            Install-PSResource -Name Pester -Version '[5.5,6.0)' -Scope CurrentUser -TrustRepository -ErrorAction Stop
        }
        else {
            throw 'Neither Install-Module (PowerShellGet) nor Install-PSResource (PSResourceGet) is available.'
        }
    }
    catch {
        Write-Error -Message ("Pester 5 is required and could not be installed: $($_.Exception.Message) " +
            "Install it by hand (Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser -Force -SkipPublisherCheck) and run again.") -ErrorAction Continue
        exit 1
    }
}

try {
    Import-Module -Name Pester -MinimumVersion 5.0 -ErrorAction Stop
}
catch {
    Write-Error -Message "Pester 5 could not be imported: $($_.Exception.Message)" -ErrorAction Continue
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

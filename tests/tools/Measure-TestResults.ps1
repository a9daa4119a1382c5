#Requires -Version 5.1
<#
.SYNOPSIS
    Adds up every result file of a test run (xunit TRX and Pester NUnit 2.5 XML) into one total.
.DESCRIPTION
    Writes one line per result file to the information stream and returns an object with Passed, Failed, Skipped,
    Lines and Skips (each skipped xunit test with its reason and its file, so a lane's skip list can be printed).
    build.ps1 prints the total as the run's last line, 'N passed, N failed', which CI reads, so xunit and Pester
    are counted together. Missing results are failures, not silence: no TRX file counts one failure, and so does no
    Pester report when -ExpectPester is given. A file that cannot be read counts one failure and names the file.
.EXAMPLE
    ./tests/tools/Measure-TestResults.ps1 -Path TestResults -ExpectPester
#>
[CmdletBinding()]
param(
    # The folder the runs wrote to; searched recursively for *.trx and pester*.xml.
    [Parameter(Mandatory = $true)] [string] $Path,

    # Count a run without a Pester report as a failure.
    [switch] $ExpectPester
)

$ErrorActionPreference = 'Stop'

function Read-XmlFile([string] $File) {
    $document = New-Object -TypeName System.Xml.XmlDocument
    $document.Load($File)
    return $document
}

function Get-TrxCount([string] $File) {
    $document = Read-XmlFile $File
    $counters = $document.SelectSingleNode("//*[local-name()='ResultSummary']/*[local-name()='Counters']")
    if ($null -eq $counters) {
        throw "no ResultSummary/Counters element"
    }

    $count = @{}
    foreach ($name in 'total', 'executed', 'passed', 'failed', 'error', 'timeout', 'aborted', 'notExecuted') {
        $value = $counters.GetAttribute($name)
        $count[$name] = if ($value) { [int]$value } else { 0 }
    }

    # The skip reason: VSTest's logger puts it in ErrorInfo/Message, xunit v3's own -trx writer in StdOut.
    $skips = foreach ($result in $document.SelectNodes("//*[local-name()='UnitTestResult'][@outcome='NotExecuted']")) {
        $reason = $result.SelectSingleNode("*[local-name()='Output']/*[local-name()='ErrorInfo']/*[local-name()='Message']")
        if ($null -eq $reason) {
            $reason = $result.SelectSingleNode("*[local-name()='Output']/*[local-name()='StdOut']")
        }

        [pscustomobject]@{
            Test   = $result.GetAttribute('testName')
            Reason = if ($null -ne $reason) { $reason.InnerText.Trim() } else { '' }
            File   = $File
        }
    }

    # xunit leaves a skipped test out of 'executed' without counting it anywhere else.
    return [pscustomobject]@{
        Passed  = $count.passed
        Failed  = $count.failed + $count.error + $count.timeout + $count.aborted
        Skipped = [Math]::Max($count.total - $count.executed, $count.notExecuted)
        Skips   = @($skips)
    }
}

function Get-NUnitCount([string] $File) {
    $document = Read-XmlFile $File
    $root = $document.DocumentElement
    if ($root.LocalName -ne 'test-results') {
        throw "not an NUnit 2.5 report (root element '$($root.LocalName)')"
    }

    # Counted per test case: Pester versions differ in whether a skipped test is in the 'total' attribute.
    $passed = 0
    $failed = 0
    $skipped = 0
    foreach ($case in $root.SelectNodes('//test-case')) {
        switch ($case.GetAttribute('result')) {
            'Success' { $passed++ }
            'Failure' { $failed++ }
            'Error' { $failed++ }
            default { $skipped++ }
        }
    }

    # A failure outside any test (a broken BeforeAll, a file that does not parse) has no test case of its own.
    $reported = 0
    foreach ($name in 'failures', 'errors') {
        $value = $root.GetAttribute($name)
        if ($value) {
            $reported += [int]$value
        }
    }

    return [pscustomobject]@{ Passed = $passed; Failed = [Math]::Max($failed, $reported); Skipped = $skipped }
}

$total = [pscustomobject]@{
    Passed  = 0
    Failed  = 0
    Skipped = 0
    Lines   = [System.Collections.Generic.List[string]]::new()
    Skips   = [System.Collections.Generic.List[object]]::new()
}
function Add-Count($Count, [string] $Label) {
    if ($null -ne $Count.PSObject.Properties['Skips']) {
        foreach ($skip in $Count.Skips) {
            $total.Skips.Add($skip)
        }
    }

    $total.Passed += $Count.Passed
    $total.Failed += $Count.Failed
    $total.Skipped += $Count.Skipped
    $total.Lines.Add(('  {0}: {1} passed, {2} failed, {3} skipped' -f $Label, $Count.Passed, $Count.Failed, $Count.Skipped))
}

function Add-Problem([string] $Message) {
    $total.Failed++
    $total.Lines.Add("  $Message (counted as one failure)")
}

$trx = @()
$pester = @()
if (Test-Path -LiteralPath $Path -PathType Container) {
    $trx = @(Get-ChildItem -LiteralPath $Path -Recurse -File -Filter '*.trx' | Sort-Object -Property FullName)
    $pester = @(Get-ChildItem -LiteralPath $Path -Recurse -File -Filter 'pester*.xml' | Sort-Object -Property FullName)
}

foreach ($file in $trx) {
    try {
        Add-Count (Get-TrxCount $file.FullName) $file.FullName
    }
    catch {
        Add-Problem "$($file.FullName) could not be read: $($_.Exception.Message)"
    }
}

foreach ($file in $pester) {
    try {
        Add-Count (Get-NUnitCount $file.FullName) "$($file.FullName) (Pester)"
    }
    catch {
        Add-Problem "$($file.FullName) could not be read: $($_.Exception.Message)"
    }
}

if ($trx.Count -eq 0) {
    Add-Problem "no xunit results (*.trx) under $Path"
}

if ($ExpectPester -and $pester.Count -eq 0) {
    Add-Problem "no Pester report (pester*.xml) under $Path"
}

$total

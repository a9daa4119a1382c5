#Requires -Version 5.1
# The test run itself: the Pester that runs is the one the repository pins, a new PowerShell started by the helpers is
# PowerShell itself (not the tool's launcher, so killing it stops it), and the totals line CI reads counts right.

Describe 'The test run' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $root = Get-JelouRepositoryRoot
        $measure = [System.IO.Path]::Combine($root, 'tests', 'tools', 'Measure-TestResults.ps1')

        function New-ResultFolder {
            $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('jelou-totals-' + [guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory -Path $folder
            $folder
        }

        function New-Trx([string] $Folder, [string] $Name, [int] $Total, [int] $Executed, [int] $Passed, [int] $Failed) {
            $text = '<?xml version="1.0" encoding="utf-8"?><TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">' +
                ('<ResultSummary outcome="Completed"><Counters total="{0}" executed="{1}" passed="{2}" failed="{3}" error="0" timeout="0" aborted="0" notExecuted="0" /></ResultSummary></TestRun>' -f $Total, $Executed, $Passed, $Failed)
            Set-Content -LiteralPath (Join-Path $Folder $Name) -Value $text -Encoding UTF8
        }

        function New-NUnit([string] $Folder, [string[]] $Results, [int] $Failures = 0) {
            $cases = ($Results | ForEach-Object { '<test-case name="t" result="{0}" />' -f $_ }) -join ''
            $text = ('<?xml version="1.0" encoding="utf-8"?><test-results name="Pester" total="{0}" failures="{1}" errors="0"><test-suite name="s"><results>{2}</results></test-suite></test-results>' -f $Results.Count, $Failures, $cases)
            Set-Content -LiteralPath (Join-Path $Folder 'pester.xml') -Value $text -Encoding UTF8
        }
    }

    It 'runs under the Pester version that tests/tools/Pester.csproj pins, restored from NuGet' {
        [xml]$project = Get-Content -LiteralPath ([System.IO.Path]::Combine($root, 'tests', 'tools', 'Pester.csproj')) -Raw
        $pinned = [version]([string]$project.Project.PropertyGroup.PesterVersion).Trim()
        $pester = Get-Module -Name Pester
        $pester | Should -Not -BeNullOrEmpty
        $pester.Version | Should -Be $pinned
        # The NuGet cache's layout, <root>/pester/<version>/tools/Pester.psd1: not a module installed on the machine.
        (Split-Path -Leaf $pester.ModuleBase) | Should -Be 'tools'
        (Split-Path -Leaf (Split-Path -Parent $pester.ModuleBase)) | Should -Be $pinned.ToString()
    }

    It 'starts a new PowerShell as PowerShell itself, so killing the process it returns stops the script' {
        $script = Join-Path ([System.IO.Path]::GetTempPath()) ('jelou-child-' + [guid]::NewGuid().ToString('N') + '.ps1')
        $marker = $script + '.alive'
        # The child reports its own process id, then keeps touching a file until it is stopped.
        Set-Content -LiteralPath $script -Encoding UTF8 -Value @'
param([string] $Marker)
[Console]::Out.WriteLine($PID)
[Console]::Out.Flush()
while ($true) { Set-Content -LiteralPath $Marker -Value (Get-Date).Ticks; Start-Sleep -Milliseconds 50 }
'@
        $process = Start-PowerShellProcess -ScriptPath $script -ArgumentList @($marker)
        try {
            $reported = $process.StandardOutput.ReadLine()
            [int]$reported | Should -Be $process.Id -Because 'the process we hold must be the one running the script, not a launcher in front of it'
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (-not (Test-Path -LiteralPath $marker) -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 50
            }

            Test-Path -LiteralPath $marker | Should -BeTrue -Because 'the script must be running before it is killed'

            $process.Kill()
            $process.WaitForExit(10000) | Should -BeTrue
            Start-Sleep -Milliseconds 300
            $last = Get-Content -LiteralPath $marker -Raw -ErrorAction Stop
            Start-Sleep -Milliseconds 500
            Get-Content -LiteralPath $marker -Raw -ErrorAction Stop | Should -Be $last -Because 'nothing may keep running the script after the kill'
        }
        finally {
            if (-not $process.HasExited) {
                $process.Kill($true)
            }

            $process.Dispose()
            Remove-Item -LiteralPath $script, $marker -ErrorAction SilentlyContinue
        }
    }

    Context 'the totals line' {
        BeforeEach {
            $folder = New-ResultFolder
        }

        AfterEach {
            Remove-Item -LiteralPath $folder -Recurse -Force
        }

        It 'adds xunit and Pester together, per test case, and counts skipped tests apart' {
            New-Trx $folder 'core.trx' -Total 10 -Executed 9 -Passed 8 -Failed 1
            New-Trx $folder 'ps.trx' -Total 5 -Executed 5 -Passed 5 -Failed 0
            New-NUnit $folder @('Success', 'Success', 'Failure', 'Ignored')
            $total = & $measure -Path $folder -ExpectPester
            $total.Passed | Should -Be 15
            $total.Failed | Should -Be 2
            $total.Skipped | Should -Be 2
            @($total.Lines).Count | Should -Be 3
        }

        It 'counts a failure outside any test case (a broken BeforeAll) that the report only has in its header' {
            New-Trx $folder 'core.trx' -Total 1 -Executed 1 -Passed 1 -Failed 0
            New-NUnit $folder @('Success') -Failures 2
            (& $measure -Path $folder -ExpectPester).Failed | Should -Be 2
        }

        It 'fails a run that wrote no Pester report, and one that wrote no xunit results' {
            New-Trx $folder 'core.trx' -Total 3 -Executed 3 -Passed 3 -Failed 0
            (& $measure -Path $folder -ExpectPester).Failed | Should -Be 1
            (& $measure -Path $folder).Failed | Should -Be 0

            Remove-Item -LiteralPath (Join-Path $folder 'core.trx')
            New-NUnit $folder @('Success')
            $total = & $measure -Path $folder -ExpectPester
            $total.Failed | Should -Be 1
            ($total.Lines -join "`n") | Should -BeLike '*no xunit results*'
        }

        It 'counts a result file it cannot read as a failure and names it' {
            New-Trx $folder 'core.trx' -Total 1 -Executed 1 -Passed 1 -Failed 0
            Set-Content -LiteralPath (Join-Path $folder 'pester.xml') -Value '<test-results><unclosed>' -Encoding UTF8
            $total = & $measure -Path $folder -ExpectPester
            $total.Failed | Should -Be 1
            ($total.Lines -join "`n") | Should -BeLike '*pester.xml could not be read*'
        }
    }

    Context 'the skip list of a lane' {
        BeforeEach {
            $folder = New-ResultFolder
        }

        AfterEach {
            Remove-Item -LiteralPath $folder -Recurse -Force
        }

        It 'returns each skipped test with its reason, from xunit v3''s StdOut and from VSTest''s ErrorInfo' {
            $lane = Join-Path $folder 'net472'
            $null = New-Item -ItemType Directory -Path $lane
            # The two shapes: xunit v3's -trx writer puts the reason in Output/StdOut, VSTest's logger in Output/ErrorInfo/Message.
            $text = '<?xml version="1.0" encoding="utf-8"?><TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>' +
                '<UnitTestResult testName="A.B.Passes" outcome="Passed" />' +
                '<UnitTestResult testName="A.B.NeedsUnixModes" outcome="NotExecuted"><Output><StdOut>no Unix file modes here</StdOut></Output></UnitTestResult>' +
                '<UnitTestResult testName="A.C.NeedsNet5" outcome="NotExecuted"><Output><ErrorInfo><Message>needs .NET 5</Message></ErrorInfo></Output></UnitTestResult>' +
                '</Results><ResultSummary outcome="Completed"><Counters total="3" executed="1" passed="1" failed="0" error="0" timeout="0" aborted="0" notExecuted="2" /></ResultSummary></TestRun>'
            Set-Content -LiteralPath (Join-Path $lane 'core.trx') -Value $text -Encoding UTF8
            New-Trx $folder 'other.trx' -Total 1 -Executed 1 -Passed 1 -Failed 0

            $total = & $measure -Path $folder
            $total.Skipped | Should -Be 2
            $skips = @($total.Skips | Sort-Object -Property Test)
            $skips.Count | Should -Be 2
            $skips[0].Test | Should -Be 'A.B.NeedsUnixModes'
            $skips[0].Reason | Should -Be 'no Unix file modes here'
            $skips[0].File | Should -Be (Join-Path $lane 'core.trx')
            $skips[1].Test | Should -Be 'A.C.NeedsNet5'
            $skips[1].Reason | Should -Be 'needs .NET 5'
        }
    }
}

#Requires -Version 5.1
# Issue 18: a send journal (-JournalPath) makes a stopped batch rerunnable without a duplicate message. Real child
# PowerShell processes (dotnet $PSHOME/pwsh.dll, not the tool's launcher) send to the fake API and are killed with
# SIGKILL mid-batch, stopped with SIGINT (what Ctrl+C sends, through [Console]::CancelKeyPress) and SIGTERM, or
# stopped by a terminating error; the fake's ledger then shows what was really delivered.

Describe 'Send journal: stops, kills and reruns' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $modulePath = Get-JelouModulePath
        Import-Module $modulePath -Force
        $fake = Start-FakeJelouApi
        $configHome = Join-Path $TestDrive 'config'
        $null = New-Item -ItemType Directory -Path $configHome
        $saved = Enter-JelouTestEnvironment -ConfigHome $configHome

        $childEnvironment = @{
            XDG_CONFIG_HOME     = $configHome
            JELOU_CLIENT_ID     = $fake.ClientId
            JELOU_CLIENT_SECRET = $fake.ClientSecret
            JELOU_BASE_URI      = $fake.BaseUri
            JELOU_TEST_MODULE   = $modulePath
        }

        # The child: one batch from a CSV, its report to a CSV. Mode picks how it may end.
        $child = Join-Path $TestDrive 'send.ps1'
        Set-Content -LiteralPath $child -Encoding UTF8 -Value @'
param([string] $Csv, [string] $Journal, [string] $Report, [int] $Throttle = 32, [string] $Mode = 'plain', [switch] $Retry)
$ProgressPreference = 'SilentlyContinue'
if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module $env:JELOU_TEST_MODULE
$send = @{ BotId = 'bot-1'; ThrottleLimit = $Throttle; RetryPossiblyDelivered = [bool]$Retry }
if ($Journal) { $send['JournalPath'] = $Journal }
switch ($Mode) {
    'plain' {
        Import-Csv $Csv | Send-JelouBotMessage @send -ErrorAction Continue 2>$null |
            Select-Object Row, Status, UserId, MessageId, FromJournal | Export-Csv $Report -NoTypeInformation
    }
    'downstream' {
        try {
            Import-Csv $Csv | Send-JelouBotMessage @send | ForEach-Object { if ($_.Row -ge 150) { throw 'the report writer failed' } } | Out-Null
        }
        catch { "caught: $_" }
    }
    'erroractionstop' {
        $ErrorActionPreference = 'Stop'
        try { Import-Csv $Csv | Send-JelouBotMessage @send | Out-Null }
        catch { "caught: $($_.FullyQualifiedErrorId)" }
    }
}
'FINISHED'
'@

        function New-Rows([int] $Count, [int] $BadRow = 0) {
            $path = Join-Path $TestDrive ("rows-{0}.csv" -f [guid]::NewGuid().ToString('N'))
            $lines = [System.Collections.Generic.List[string]]::new()
            $lines.Add('userId,text')
            for ($i = 1; $i -le $Count; $i++) {
                $user = if ($i -eq $BadRow) { '' } else { '5939' + $i.ToString('D8') }
                $lines.Add("$user,Hola cliente $i")
            }

            [System.IO.File]::WriteAllLines($path, $lines)
            $path
        }

        function Get-JournalLineCount([string] $Path) {
            if (-not (Test-Path -LiteralPath $Path)) { return 0 }
            # Counted by .NET, not byte by byte in script: a slow poll let a fast batch end between two looks.
            $stream = [System.IO.FileStream]::new($Path, 'Open', 'Read', 'ReadWrite')
            try {
                $reader = [System.IO.StreamReader]::new($stream)
                $reader.ReadToEnd().Split([char]10).Count - 1
            }
            finally { $stream.Dispose() }
        }

        function Get-JournalRecords([string] $Path) {
            Get-Content -LiteralPath $Path | Select-Object -Skip 1 | ForEach-Object { $_ | ConvertFrom-Json }
        }

        function Start-Send([string[]] $Arguments) {
            Start-PowerShellProcess -ScriptPath $child -ArgumentList $Arguments -Environment $childEnvironment
        }

        # Runs the child to its end; returns its exit code and output.
        function Invoke-Send([string[]] $Arguments) {
            $process = Start-Send $Arguments
            try {
                $out = $process.StandardOutput.ReadToEndAsync()
                $err = $process.StandardError.ReadToEndAsync()
                $process.WaitForExit(180000) | Should -BeTrue -Because 'a batch of a few thousand rows takes seconds'
                [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $out.Result; Errors = $err.Result }
            }
            finally {
                if (-not $process.HasExited) { $process.Kill() }
                $process.Dispose()
            }
        }

        # Starts the child and, once the journal has grown by $Lines lines, ends it with $Signal (KILL, INT, TERM).
        function Stop-SendMidBatch([string[]] $Arguments, [string] $Journal, [int] $Lines, [string] $Signal = 'KILL') {
            $before = Get-JournalLineCount $Journal
            $process = Start-Send $Arguments
            try {
                $out = $process.StandardOutput.ReadToEndAsync()
                $err = $process.StandardError.ReadToEndAsync()
                $deadline = [DateTime]::UtcNow.AddSeconds(90)
                while ((Get-JournalLineCount $Journal) -lt $before + $Lines -and -not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                    Start-Sleep -Milliseconds 10
                }

                $process.HasExited | Should -BeFalse -Because "the batch must still be running when it is stopped ($Signal)"
                if ($Signal -eq 'KILL') { $process.Kill() } else { & kill "-$Signal" $process.Id }
                $process.WaitForExit(60000) | Should -BeTrue
                [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $out.Result; Errors = $err.Result }
            }
            finally {
                if (-not $process.HasExited) { $process.Kill() }
                $process.Dispose()
            }
        }

        # -ResentUnknown: user ids of rows that were Unknown and then resent with -RetryPossiblyDelivered. The user chose a
        # possible duplicate for those (the first request may have been delivered while its answer was lost): at most twice.
        function Assert-DeliveredOnce($Report, [int] $Count, [string[]] $ResentUnknown = @()) {
            $ledger = @((Get-FakeLedger $fake).entries)
            $byUser = @{}
            foreach ($entry in $ledger) { $byUser[$entry.userId] = 1 + [int]$byUser[$entry.userId] }
            @($byUser.Keys | Where-Object { $byUser[$_] -gt 1 -and $_ -notin $ResentUnknown }).Count | Should -Be 0 -Because 'no message reached the server twice'
            @($byUser.Values | Where-Object { $_ -gt 2 }).Count | Should -Be 0 -Because 'a resent Unknown row is resent at most once'
            $idByUser = @{}
            foreach ($entry in $ledger) { $idByUser[$entry.userId] = $entry.messageId }

            @($Report).Count | Should -Be $Count -Because 'the rerun reports every row of the batch'
            @($Report.Row | Sort-Object -Unique).Count | Should -Be $Count
            foreach ($row in $Report) {
                $row.Status | Should -BeIn @('Sent', 'Unknown', 'Skipped')
                if ($row.Status -eq 'Sent' -and $row.UserId -notin $ResentUnknown) {
                    $byUser[$row.UserId] | Should -Be 1 -Because "row $($row.Row) is Sent"
                    $row.MessageId | Should -Be $idByUser[$row.UserId] -Because 'a row from the journal keeps its original message id'
                }
            }

            $sent = @($Report | Where-Object Status -eq 'Sent').Count
            $unknown = @($Report | Where-Object Status -eq 'Unknown')
            $ledger.Count | Should -BeGreaterOrEqual $sent
            $ledger.Count | Should -BeLessOrEqual ($sent + $unknown.Count + $ResentUnknown.Count) -Because 'only rows reported Unknown may be in the ledger without being reported Sent'
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
        Exit-JelouTestEnvironment -State $saved
    }

    BeforeEach {
        Reset-FakeJelouApi $fake
    }

    It 'sends 5,000 rows exactly once across three kill -9s and a rerun, and the rerun reports them all' {
        $null = Set-FakeFaults $fake @{ latencyMs = 20 }
        $csv = New-Rows 5000
        $journal = Join-Path $TestDrive 'kill.jsonl'
        $report = Join-Path $TestDrive 'kill-report.csv'
        $arguments = @('-Csv', $csv, '-Journal', $journal, '-Report', $report)

        # Killed early, in the middle, and late; each time the rerun starts from what the journal holds.
        foreach ($lines in 400, 3000, 3000) {
            $killed = Stop-SendMidBatch -Arguments $arguments -Journal $journal -Lines $lines
            $killed.ExitCode | Should -Not -Be 0
            $killed.Output | Should -Not -Match 'FINISHED'
        }

        $before = (Get-FakeLedger $fake).count
        $before | Should -BeGreaterThan 0
        $before | Should -BeLessThan 5000 -Because 'the last kill came before the end'
        $final = Invoke-Send $arguments
        $final.Output | Should -Match 'FINISHED'
        $rows = @(Import-Csv $report)
        Assert-DeliveredOnce -Report $rows -Count 5000
        @($rows | Where-Object FromJournal -eq 'True').Count | Should -BeGreaterOrEqual ($before - 3 * 3 * 32) -Because 'what the killed runs sent comes from the journal'
        @($rows | Where-Object { $_.Status -eq 'Sent' -and $_.FromJournal -eq 'False' }).Count | Should -BeGreaterThan 0
        @($rows | Where-Object Status -eq 'Unknown').Count | Should -BeLessOrEqual (3 * 3 * 32) -Because 'only rows in flight at a kill can be Unknown'
    }

    It 'Unknown rows of a killed run are resent only with -RetryPossiblyDelivered, and then at most once' {
        $null = Set-FakeFaults $fake @{ latencyMs = 300 }
        $csv = New-Rows 300
        $journal = Join-Path $TestDrive 'retry.jsonl'
        $report = Join-Path $TestDrive 'retry-report.csv'
        $arguments = @('-Csv', $csv, '-Journal', $journal, '-Report', $report, '-Throttle', '16')
        $null = Stop-SendMidBatch -Arguments $arguments -Journal $journal -Lines 40

        $null = Set-FakeFaults $fake @{ latencyMs = 0 }
        $null = Invoke-Send $arguments
        $unknown = @(Import-Csv $report | Where-Object Status -eq 'Unknown')
        $unknown.Count | Should -BeGreaterThan 0 -Because 'a kill with 16 requests of 300 ms in flight leaves some without an answer'

        $null = Invoke-Send ($arguments + '-Retry')
        $rows = @(Import-Csv $report)
        @($rows | Where-Object Status -ne 'Sent').Count | Should -Be 0
        Assert-DeliveredOnce -Report $rows -Count 300 -ResentUnknown @($unknown.UserId)
    }

    It 'Ctrl+C (SIGINT) stops within seconds, completes the journal and warns how to rerun' {
        $null = Set-FakeFaults $fake @{ latencyMs = 50 }
        $csv = New-Rows 1500
        $journal = Join-Path $TestDrive 'ctrlc.jsonl'
        $report = Join-Path $TestDrive 'ctrlc-report.csv'
        $arguments = @('-Csv', $csv, '-Journal', $journal, '-Report', $report)
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $stopped = Stop-SendMidBatch -Arguments $arguments -Journal $journal -Lines 300 -Signal INT
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 60

        $stopped.Output | Should -Match 'WARNING: Send-JelouBotMessage was stopped \(Ctrl\+C or a stop of the pipeline\)'
        $stopped.Output | Should -Match ([regex]::Escape("-JournalPath '$journal'"))
        $records = @(Get-JournalRecords $journal)
        $started = @($records | Where-Object event -eq 'start').Count
        @($records | Where-Object event -eq 'done').Count | Should -Be $started -Because 'every request started has an outcome in the journal after a Ctrl+C'
        $stopped.Output | Should -Match ("\b{0} sent\b" -f @($records | Where-Object status -eq 'Sent').Count)

        $null = Set-FakeFaults $fake @{ latencyMs = 0 }
        $null = Invoke-Send $arguments
        Assert-DeliveredOnce -Report @(Import-Csv $report) -Count 1500
    }

    It 'SIGTERM ends the process as it asks, after the journal is complete and the warning written' {
        $null = Set-FakeFaults $fake @{ latencyMs = 50 }
        $csv = New-Rows 1500
        $journal = Join-Path $TestDrive 'term.jsonl'
        $report = Join-Path $TestDrive 'term-report.csv'
        $arguments = @('-Csv', $csv, '-Journal', $journal, '-Report', $report)
        $stopped = Stop-SendMidBatch -Arguments $arguments -Journal $journal -Lines 300 -Signal TERM

        $stopped.ExitCode | Should -Be 143
        $stopped.Output | Should -Not -Match 'FINISHED' -Because 'nothing after the stopped batch runs'
        $stopped.Output | Should -Match 'WARNING: Send-JelouBotMessage was stopped by SIGTERM'
        $records = @(Get-JournalRecords $journal)
        @($records | Where-Object event -eq 'done').Count | Should -Be @($records | Where-Object event -eq 'start').Count

        $null = Set-FakeFaults $fake @{ latencyMs = 0 }
        $null = Invoke-Send $arguments
        Assert-DeliveredOnce -Report @(Import-Csv $report) -Count 1500
    }

    It 'a terminating error downstream completes the journal and warns, and the rerun sends the rest once' {
        $null = Set-FakeFaults $fake @{ latencyMs = 30 }
        $csv = New-Rows 400
        $journal = Join-Path $TestDrive 'downstream.jsonl'
        $report = Join-Path $TestDrive 'downstream-report.csv'
        $run = Invoke-Send @('-Csv', $csv, '-Journal', $journal, '-Report', $report, '-Throttle', '16', '-Mode', 'downstream')

        $run.Output | Should -Match 'caught: the report writer failed'
        $run.Output | Should -Match 'WARNING: Send-JelouBotMessage was stopped by a terminating error'
        $records = @(Get-JournalRecords $journal)
        @($records | Where-Object event -eq 'done').Count | Should -Be @($records | Where-Object event -eq 'start').Count
        @($records | Where-Object status -eq 'Sent').Count | Should -Be (Get-FakeLedger $fake).count -Because 'requests in flight at the stop are answered, not cancelled, so every message the server accepted is recorded Sent'

        $null = Invoke-Send @('-Csv', $csv, '-Journal', $journal, '-Report', $report, '-Throttle', '16')
        Assert-DeliveredOnce -Report @(Import-Csv $report) -Count 400
    }

    It '-ErrorAction Stop on a bad row keeps the journal whole; the rerun with Continue sends the rest' {
        $null = Set-FakeFaults $fake @{ latencyMs = 30 }
        $csv = New-Rows 400 -BadRow 200
        $journal = Join-Path $TestDrive 'eap.jsonl'
        $report = Join-Path $TestDrive 'eap-report.csv'
        $run = Invoke-Send @('-Csv', $csv, '-Journal', $journal, '-Report', $report, '-Throttle', '16', '-Mode', 'erroractionstop')

        $run.Output | Should -Match 'caught: JelouInvalidInput'
        $run.Output | Should -Match 'WARNING: Send-JelouBotMessage was stopped by a terminating error'
        $records = @(Get-JournalRecords $journal)
        @($records | Where-Object status -eq 'Sent').Count | Should -Be (Get-FakeLedger $fake).count

        $null = Invoke-Send @('-Csv', $csv, '-Journal', $journal, '-Report', $report, '-Throttle', '16')
        $rows = @(Import-Csv $report)
        @($rows | Where-Object Status -eq 'Skipped').Count | Should -Be 1
        Assert-DeliveredOnce -Report $rows -Count 400
    }

    It 'without -JournalPath a stop still warns, and says nothing remembers what was sent' {
        $null = Set-FakeFaults $fake @{ latencyMs = 30 }
        $csv = New-Rows 400
        $run = Invoke-Send @('-Csv', $csv, '-Journal', '', '-Report', (Join-Path $TestDrive 'none.csv'), '-Throttle', '16', '-Mode', 'downstream')

        $run.Output | Should -Match 'WARNING: Send-JelouBotMessage was stopped by a terminating error before the batch ended: \d+ sent'
        $run.Output | Should -Match 'Without -JournalPath nothing remembers'
    }

    It 'a stop before anything was sent says so in one line, without the rerun advice' {
        $csv = New-Rows 50 -BadRow 1
        $run = Invoke-Send @('-Csv', $csv, '-Journal', '', '-Report', (Join-Path $TestDrive 'first-bad.csv'), '-Throttle', '1', '-Mode', 'erroractionstop')

        $run.Output | Should -Match 'caught: JelouInvalidInput'
        $run.Output | Should -Match 'WARNING: Send-JelouBotMessage was stopped by a terminating error before the batch ended: nothing was sent; rows after row 1 were not read\.'
        $run.Output | Should -Not -Match 'nothing remembers'
        (Get-FakeLedger $fake).count | Should -Be 0
    }

    It 'a second process is refused while one sends from the journal, with an error naming the lock' {
        $null = Set-FakeFaults $fake @{ latencyMs = 500 }
        $csv = New-Rows 200
        $journal = Join-Path $TestDrive 'locked.jsonl'
        $process = Start-Send @('-Csv', $csv, '-Journal', $journal, '-Report', (Join-Path $TestDrive 'locked.csv'), '-Throttle', '4')
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Get-JournalLineCount $journal) -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }

            $before = (Get-FakeLedger $fake -Attempts).totalRequests
            $thrown = $null
            try {
                Send-JelouBotMessage -BotId bot-1 -UserId 593999999999 -Text 'Hola' -JournalPath $journal -Credential $fake.Credential -BaseUri $fake.BaseUri -ErrorAction Stop
            }
            catch { $thrown = $_ }

            $thrown | Should -Not -BeNullOrEmpty
            $thrown.FullyQualifiedErrorId | Should -Match '^JelouJournalLocked'
            $thrown.Exception.Message | Should -Match ([regex]::Escape("$journal.lock"))
            @((Get-FakeLedger $fake).entries | Where-Object userId -eq '593999999999').Count | Should -Be 0
        }
        finally {
            if (-not $process.HasExited) { $process.Kill() }
            $process.Dispose()
        }
    }

    It 'refuses a file that is not a journal before sending anything' {
        $path = Join-Path $TestDrive 'not-a-journal.jsonl'
        Set-Content -LiteralPath $path -Value 'userId,text'
        { Send-JelouBotMessage -BotId bot-1 -UserId 593999999999 -Text 'Hola' -JournalPath $path -Credential $fake.Credential -BaseUri $fake.BaseUri -ErrorAction Stop } |
            Should -Throw -ErrorId 'JelouJournalNotAJournal,Jelou.PowerShell.Commands.SendJelouBotMessageCommand'
        (Get-FakeLedger $fake -Attempts).totalRequests | Should -Be 0
    }

    It 'keys room rows without their generated ids, so the same CSV is found again' {
        $journal = Join-Path $TestDrive 'rooms.jsonl'
        $rooms = 1..5 | ForEach-Object { [pscustomobject]@{ roomId = "G:bot-1:r$_"; text = "Hola $_" } }
        $first = @($rooms | Send-JelouRoomMessage -SenderId op-1 -JournalPath $journal -Credential $fake.Credential -BaseUri $fake.BaseUri)
        $again = @($rooms | Send-JelouRoomMessage -SenderId op-1 -JournalPath $journal -Credential $fake.Credential -BaseUri $fake.BaseUri)

        (Get-FakeLedger $fake).count | Should -Be 5
        $again.FromJournal | Should -Not -Contain $false
        $again.Status | Should -Not -Contain 'Unknown'
        ($again | Sort-Object Row).MessageId | Should -Be ($first | Sort-Object Row).MessageId
        (($again | Sort-Object Row).MessageIds -join ',') | Should -Be (($first | Sort-Object Row).MessageIds -join ',')
    }

    It 'Set-JelouRequestContext -JournalPath journals every send of the session, resolved where it was set' {
        $folder = Join-Path $TestDrive 'session'
        $null = New-Item -ItemType Directory -Path $folder
        Push-Location $folder
        try {
            Set-JelouRequestContext -JournalPath 'session.jsonl'
        }
        finally { Pop-Location }

        try {
            (Get-JelouRequestContext).JournalPath | Should -Be (Join-Path $folder 'session.jsonl')
            $one = Send-JelouBotMessage -BotId bot-1 -UserId 593999000123 -Text 'Hola' -Credential $fake.Credential -BaseUri $fake.BaseUri
            $two = Send-JelouBotMessage -BotId bot-1 -UserId 593999000123 -Text 'Hola' -Credential $fake.Credential -BaseUri $fake.BaseUri
            $one.FromJournal | Should -BeFalse
            $two.FromJournal | Should -BeTrue
            $two.MessageId | Should -Be $one.MessageId
            (Get-FakeLedger $fake).count | Should -Be 1
        }
        finally {
            Set-JelouRequestContext -Reset
        }

        (Get-JelouRequestContext).JournalPath | Should -BeNullOrEmpty
    }
}

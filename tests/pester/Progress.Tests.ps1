#Requires -Version 5.1
# Progress and -Verbose while a batch runs: the send runs in its own PowerShell instance and this test reads its
# progress, verbose and output streams every few tens of milliseconds, so each record is seen with the time it came out.

Describe 'Progress and Verbose while a batch is sent' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $fake = Start-FakeJelouApi

        function Get-Rate {
            param([string] $Text)
            # The rate is shown in the session's culture: 1.3 or 1,3.
            if ($Text -match '(\d+(?:[.,]\d+)?)/s') {
                return [double]($Matches[1] -replace ',', '.')
            }

            return $null
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    BeforeEach {
        Reset-FakeJelouApi $fake
    }

    Context 'progress' {
        It 'shows the bar as soon as rows are sent and refreshes it while they are in flight' {
            $null = Set-FakeFaults $fake @{ latencyMs = 2500 }
            $events = Watch-Send -Fake $fake -Script @'
param($Uri, $Credential)
'593999000001', '593999000002' | ForEach-Object { [pscustomobject]@{ UserId = $_; Text = 'hola' } } |
    Send-JelouBotMessage -BotId bot1 -BaseUri $Uri -Credential $Credential -TotalCount 2
'@

            $firstOutput = @($events | Where-Object Kind -eq 'Output')[0]
            $firstOutput.Text | Should -Be 'Sent'
            $before = @($events | Where-Object { $_.Kind -eq 'Progress' -and $_.T -lt $firstOutput.T -and $_.Record.RecordType -eq 'Processing' })

            # The answers take 2.5 s: the bar is there well before the first one, and it is refreshed meanwhile.
            $before.Count | Should -BeGreaterOrEqual 3 -Because (Format-Events $events)
            $before[0].T | Should -BeLessThan ($firstOutput.T - 1500) -Because (Format-Events $events)
            $before[-1].Text | Should -Match '\b0 sent\b'
            $before[-1].Text | Should -Match '\b2 in flight\b'
            $before[-1].Record.PercentComplete | Should -Be 0
        }

        It 'shows the last completions of a burst while the batch waits for the next answer' {
            $null = Set-FakeFaults $fake @{ latencyMs = 1500 }
            $events = Watch-Send -Fake $fake -Script @'
param($Uri, $Credential)
1..17 | ForEach-Object { [pscustomobject]@{ UserId = '5939990001{0:D2}' -f $_; Text = 'hola' } } |
    Send-JelouBotMessage -BotId bot1 -BaseUri $Uri -Credential $Credential -ThrottleLimit 16
'@

            $outputs = @($events | Where-Object Kind -eq 'Output')
            $outputs.Count | Should -Be 17

            # Sixteen answers come at once, the seventeenth 1.5 s later: meanwhile the bar must say 16, not the first of them.
            $between = @($events | Where-Object { $_.Kind -eq 'Progress' -and $_.T -gt $outputs[15].T -and $_.T -lt $outputs[16].T })
            $between.Count | Should -BeGreaterOrEqual 1 -Because (Format-Events $events)
            $between[-1].Text | Should -Match '\b16 sent\b' -Because (Format-Events $events)
            $between[-1].Text | Should -Match '\b1 in flight\b'
        }

        It 'gives a true rate and time remaining after a skipped row, not one inflated by the instant skip' {
            $null = Set-FakeFaults $fake @{ latencyMs = 1500 }
            $events = Watch-Send -Fake $fake -Script @'
param($Uri, $Credential)
@(
    [pscustomobject]@{ UserId = '593999000201'; Text = '' }
    2..5 | ForEach-Object { [pscustomobject]@{ UserId = '59399900020{0}' -f $_; Text = 'hola' } }
) | Send-JelouBotMessage -BotId bot1 -BaseUri $Uri -Credential $Credential -ThrottleLimit 2 -TotalCount 5 -ErrorAction SilentlyContinue
'@

            $outputs = @($events | Where-Object Kind -eq 'Output')
            $outputs.Count | Should -Be 5
            $outputs[0].Text | Should -Be 'Skipped'
            $processing = @($events | Where-Object { $_.Kind -eq 'Progress' -and $_.Record.RecordType -eq 'Processing' })
            $rated = @($processing | Where-Object { $null -ne (Get-Rate $_.Text) })

            # Two rows per 1.5 s is about 1.3 rows a second; nothing may claim hundreds.
            $rated.Count | Should -BeGreaterOrEqual 1 -Because (Format-Events $events)
            foreach ($record in $rated) {
                Get-Rate $record.Text | Should -BeLessOrEqual 3 -Because "'$($record.Text)' at $($record.T) ms; $(Format-Events $events)"
            }

            # Once two rows are sent, two remain: the estimate is a couple of seconds, not zero.
            $midway = @($rated | Where-Object { $_.T -gt $outputs[2].T -and $_.T -lt $outputs[4].T })
            $midway.Count | Should -BeGreaterOrEqual 1 -Because (Format-Events $events)
            $midway[-1].Record.SecondsRemaining | Should -BeGreaterOrEqual 1 -Because (Format-Events $events)
            $midway[-1].Record.SecondsRemaining | Should -BeLessOrEqual 5 -Because (Format-Events $events)
            $midway[-1].Record.PercentComplete | Should -BeGreaterOrEqual 60
        }

        It 'says the batch is paused, why and until when, while the API''s Retry-After runs' {
            Add-FakeResponse $fake @{ status = 429; headers = @{ 'Retry-After' = '3' } }
            $events = Watch-Send -Fake $fake -Script @'
param($Uri, $Credential)
Send-JelouBotMessage -BotId bot1 -UserId 593999000301 -Text hola -BaseUri $Uri -Credential $Credential
'@

            $output = @($events | Where-Object Kind -eq 'Output')
            $output.Count | Should -Be 1
            $output[0].Text | Should -Be 'Sent'
            $output[0].Record.Attempts | Should -Be 2

            # The retry waits 3 s; the bar says so all along, with a count-down and the time it resumes.
            $paused = @($events | Where-Object { $_.Kind -eq 'Progress' -and $_.T -lt ($output[0].T - 500) -and $_.Text -match 'Paused' })
            $paused.Count | Should -BeGreaterOrEqual 3 -Because (Format-Events $events)
            $paused[0].Text | Should -Match '429 Too Many Requests'
            $paused[0].Text | Should -Match 'Retry-After 3s'
            $paused[0].Text | Should -Match 'until \d{2}:\d{2}:\d{2}'
            $paused[0].Record.CurrentOperation | Should -Match 'whole batch waits'
            $seconds = @($paused | ForEach-Object { if ($_.Text -match 'Paused for (\d+)s') { [int]$Matches[1] } })
            $seconds.Count | Should -Be $paused.Count
            $seconds[0] | Should -BeGreaterThan $seconds[-1]
        }
    }

    Context '-Verbose' {
        It 'writes each retry when it is decided, naming the row, long before the row finishes' {
            Add-FakeResponse $fake @{ status = 429; headers = @{ 'Retry-After' = '3' } }
            $events = Watch-Send -Fake $fake -Script @'
param($Uri, $Credential)
@(
    [pscustomobject]@{ UserId = '593999000401'; Text = '' }
    [pscustomobject]@{ UserId = '593999000402'; Text = 'hola' }
) | Send-JelouBotMessage -BotId bot1 -BaseUri $Uri -Credential $Credential -ThrottleLimit 1 -Verbose -ErrorAction SilentlyContinue
'@

            $sent = @($events | Where-Object { $_.Kind -eq 'Output' -and $_.Text -eq 'Sent' })
            $sent.Count | Should -Be 1
            $sent[0].Record.Attempts | Should -Be 2
            $retries = @($events | Where-Object { $_.Kind -eq 'Verbose' -and $_.Text -match '429' })
            $retries.Count | Should -Be 1 -Because (Format-Events $events)
            $retries[0].Text | Should -Match '^Row 2: '
            $retries[0].Text | Should -Match 'retrying in 3s'

            # Decided with the first answer (at once); the row is only done after the 3 s wait.
            $retries[0].T | Should -BeLessThan ($sent[0].T - 2000) -Because (Format-Events $events)
        }
    }
}

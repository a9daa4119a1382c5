#Requires -Version 5.1
# What the user sees while a server's rate limit holds the batch back: the pace and its reason on the progress line,
# each change of pace in Verbose, and a closing line with the rate the server allowed. The send runs in its own
# PowerShell instance and its streams are read as they come out (the same way as Progress.Tests.ps1).

Describe 'Adaptive pacing: progress and Verbose while the server limits the rate' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $fake = Start-FakeJelouApi
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    BeforeEach {
        Reset-FakeJelouApi $fake
    }

    It 'shows "limited by the server" with the pace, logs each change of pace and ends with the rate the server allowed' {
        # A token bucket of 40 requests/s holding 5: a batch of 16 in flight at 20 ms would send 800/s.
        $null = Set-FakeFaults $fake @{ latencyMs = 20; rateLimitBurst = 5; rateLimit = 40; retryAfter = '1' }
        $events = Watch-Send -Fake $fake -TimeoutSeconds 90 -Script @'
param($Uri, $Credential)
1..150 | ForEach-Object { [pscustomobject]@{ UserId = '5939990{0:D5}' -f $_; Text = 'hola' } } |
    Send-JelouBotMessage -BotId bot1 -BaseUri $Uri -Credential $Credential -ThrottleLimit 16 -Verbose
'@

        $outputs = @($events | Where-Object Kind -eq 'Output')
        $outputs.Count | Should -Be 150
        @($outputs | Where-Object Text -ne 'Sent').Count | Should -Be 0 -Because 'no row fails for rate limiting alone while the server accepts some traffic'

        # The progress line names the reason and the pace, a number of messages per second.
        $limited = @($events | Where-Object { $_.Kind -eq 'Progress' -and $_.Text -match 'limited by the server: \d+(?:[.,]\d+)?/s' })
        $limited.Count | Should -BeGreaterOrEqual 1 -Because (Format-Events $events)

        # Verbose: the cut, with the rate accepted and the new pace, then a rise without 429s.
        $verbose = @($events | Where-Object Kind -eq 'Verbose' | ForEach-Object Text)
        @($verbose | Where-Object { $_ -match '^Pace: the server answered 429 Too Many Requests at about \d+/s accepted; (pacing the batch at|slowed to) \d+/s' }).Count |
            Should -BeGreaterOrEqual 1 -Because (Format-Events $events)
        @($verbose | Where-Object { $_ -match '^Pace: no 429 for [\d.]+s; raised to \d+/s\.$' }).Count | Should -BeGreaterOrEqual 1 -Because (Format-Events $events)

        # The 429s that cost no retry say so.
        @($verbose | Where-Object { $_ -match '^Row \d+: attempt \d+ failed \(429 Too Many Requests\); retrying in 1s \(not counted against -MaximumRetryCount' }).Count |
            Should -BeGreaterOrEqual 1 -Because (Format-Events $events)

        # The closing line gives the rate the server allowed and the -RateLimit to use next time.
        $summary = @($verbose | Where-Object { $_ -match '^The server limited the rate: it allowed about (\d+(?:\.\d+)?)/s .*add -RateLimit (\d+(?:\.\d+)?)\.$' })
        $summary.Count | Should -Be 1 -Because (Format-Events $events)
        $null = $summary[0] -match 'allowed about (\d+(?:\.\d+)?)/s'
        [double]$Matches[1] | Should -BeGreaterThan 10
        [double]$Matches[1] | Should -BeLessThan 80 -Because 'the server allowed 40/s (plus its burst of 5)'
        $verbose.IndexOf($summary[0]) | Should -BeGreaterThan ([array]::FindIndex([string[]]$verbose, [Predicate[string]] { param($l) $l.StartsWith('Done: ') }))
    }

    It 'says nothing about pacing when the server never limits the batch' {
        $events = Watch-Send -Fake $fake -Script @'
param($Uri, $Credential)
1..20 | ForEach-Object { [pscustomobject]@{ UserId = '5939991{0:D5}' -f $_; Text = 'hola' } } |
    Send-JelouBotMessage -BotId bot1 -BaseUri $Uri -Credential $Credential -Verbose
'@

        @($events | Where-Object Kind -eq 'Output').Count | Should -Be 20
        @($events | Where-Object { $_.Text -match 'limited by the server|^Pace:|The server limited the rate' }).Count | Should -Be 0 -Because (Format-Events $events)
    }
}

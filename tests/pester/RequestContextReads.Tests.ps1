#Requires -Version 5.1
# Test-JelouCredential gets its retries and timeouts from the same base as the send cmdlets: a parameter given on the
# command, else the session default of Set-JelouRequestContext. Every test ends with -Reset (AfterEach), so the other
# test files see the module's defaults.

Describe 'Test-JelouCredential honours the session defaults of Set-JelouRequestContext' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        Set-JelouRequestContext -Reset

        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }
    }

    AfterEach {
        Set-JelouRequestContext -Reset
    }

    AfterAll {
        try {
            if (Get-Command -Name 'Set-JelouRequestContext' -ErrorAction SilentlyContinue) {
                Set-JelouRequestContext -Reset
            }
        }
        finally {
            Stop-FakeJelouApi $fake
        }
    }

    It 'a session MaximumRetryCount of 0 checks once: a 503 is not retried' {
        Set-JelouRequestContext -MaximumRetryCount 0
        Reset-FakeJelouApi $fake
        # Retry-After: 0, so a check that did retry would pass at once instead of waiting.
        Add-FakeResponse $fake @{ status = 503; headers = @{ 'Retry-After' = '0' } }

        $result = Test-JelouCredential -BotId 'bot1' @conn

        $result.Valid | Should -BeFalse
        $result.HttpStatus | Should -Be 503
        (Get-FakeLedger $fake).totalRequests | Should -Be 1
    }

    It 'a -MaximumRetryCount given to the command wins over the session default' {
        Set-JelouRequestContext -MaximumRetryCount 0
        Reset-FakeJelouApi $fake
        Add-FakeResponse $fake @{ status = 503; headers = @{ 'Retry-After' = '0' } }

        $result = Test-JelouCredential -BotId 'bot1' -MaximumRetryCount 2 @conn

        $result.Valid | Should -BeTrue
        $result.HttpStatus | Should -Be 200
        (Get-FakeLedger $fake).totalRequests | Should -Be 2
    }

    It 'a session TimeoutSec bounds each attempt of the check' {
        Set-JelouRequestContext -TimeoutSec 1 -MaximumRetryCount 0
        Reset-FakeJelouApi $fake
        Add-FakeResponse $fake @{ status = 200; body = '{"results":[]}'; delayMs = 4000 }

        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $result = Test-JelouCredential -BotId 'bot1' @conn
        $watch.Stop()

        $result.Valid | Should -BeFalse
        $result.ErrorId | Should -Be 'JelouTimeout'
        $result.Error | Should -Not -Match 'message'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3.5
    }
}

#Requires -Version 5.1
# Set-JelouRequestContext / Get-JelouRequestContext: the session defaults of the send cmdlets. The defaults a session
# starts with, a session default that a send uses when the parameter is not given, a parameter given to the send that
# wins over it, -Reset, and -WhatIf. The defaults are process-wide, so every test ends with -Reset (AfterEach) and the
# file ends with -Reset (AfterAll): the other test files always see the module's defaults.

Describe 'Set-JelouRequestContext and Get-JelouRequestContext' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $modulePath = Get-JelouModulePath
        Import-Module $modulePath -Force
        Set-JelouRequestContext -Reset

        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }
        $user = '593999000777'

        # The defaults a session starts with.
        function Assert-RequestDefaults {
            param($Context, [string] $Where)
            $Context.MaximumRetryCount | Should -Be 3 -Because "$Where has MaximumRetryCount 3"
            $Context.TimeoutSec | Should -Be 30 -Because "$Where has TimeoutSec 30"
            $Context.ThrottleLimit | Should -Be 8 -Because "$Where has ThrottleLimit 8"
            $Context.RetryIntervalSec | Should -Be 1 -Because "$Where has RetryIntervalSec 1"
            $Context.RetryPossiblyDelivered | Should -BeFalse -Because "$Where does not retry possibly delivered messages"
            $Context.RateLimit | Should -BeNullOrEmpty -Because "$Where has no rate limit"
            $Context.Proxy | Should -BeNullOrEmpty -Because "$Where uses the system proxy"
        }
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

    It 'Get-JelouRequestContext returns the defaults: MaximumRetryCount 3, TimeoutSec 30, ThrottleLimit 8' {
        $context = @(Get-JelouRequestContext)

        $context.Count | Should -Be 1
        $context[0].PSObject.TypeNames[0] | Should -Be 'Jelou.Http.RequestDefaults'
        Assert-RequestDefaults -Context $context[0] -Where 'Get-JelouRequestContext'
    }

    It 'a new session starts with the same defaults' {
        $output = @(Invoke-IsolatedScript -ArgumentList $modulePath -ScriptBlock {
                param($ModulePath)
                try {
                    Import-Module $ModulePath -ErrorAction Stop
                    $context = @(Get-JelouRequestContext)
                    [pscustomobject]@{
                        Ok                     = $true
                        Error                  = ''
                        Count                  = $context.Count
                        MaximumRetryCount      = [int]$context[0].MaximumRetryCount
                        TimeoutSec             = [int]$context[0].TimeoutSec
                        ThrottleLimit          = [int]$context[0].ThrottleLimit
                        RetryIntervalSec       = [int]$context[0].RetryIntervalSec
                        RetryPossiblyDelivered = [bool]$context[0].RetryPossiblyDelivered
                        RateLimit              = [string]$context[0].RateLimit
                        Proxy                  = [string]$context[0].Proxy
                    }
                }
                catch {
                    [pscustomobject]@{ Ok = $false; Error = $_.ToString() }
                }
            })

        $output.Count | Should -Be 1
        $output[0].Error | Should -BeNullOrEmpty
        $output[0].Ok | Should -BeTrue
        $output[0].Count | Should -Be 1
        Assert-RequestDefaults -Context $output[0] -Where 'a new session'
    }

    It 'a session MaximumRetryCount of 0 is used by a send that does not give one: a 503 is not retried' {
        Set-JelouRequestContext -MaximumRetryCount 0
        (Get-JelouRequestContext).MaximumRetryCount | Should -Be 0

        Reset-FakeJelouApi $fake
        # Retry-After: 0, so a send that did retry would succeed at once instead of waiting.
        Add-FakeResponse $fake @{ status = 503; headers = @{ 'Retry-After' = '0' } }
        $errs = $null
        $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Sin reintentos' @conn -ErrorAction SilentlyContinue -ErrorVariable errs

        @($result).Count | Should -Be 1
        $result.Status | Should -Be 'Failed'
        $result.HttpStatus | Should -Be 503
        $result.Attempts | Should -Be 1
        $result.PossiblyDelivered | Should -BeFalse
        @($errs).Count | Should -Be 1
        $ledger = Get-FakeLedger $fake -Attempts
        $ledger.totalRequests | Should -Be 1
        @($ledger.entries).Count | Should -Be 0
    }

    It 'a -MaximumRetryCount given to the send wins over the session default: Sent on the second attempt' {
        Set-JelouRequestContext -MaximumRetryCount 0

        Reset-FakeJelouApi $fake
        Add-FakeResponse $fake @{ status = 503; headers = @{ 'Retry-After' = '0' } }
        $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con reintento explicito' -MaximumRetryCount 2 @conn -ErrorAction Stop

        @($result).Count | Should -Be 1
        $result.Status | Should -Be 'Sent'
        $result.HttpStatus | Should -Be 200
        $result.Attempts | Should -Be 2
        $ledger = Get-FakeLedger $fake -Attempts
        @($ledger.entries).Count | Should -Be 1
        (@($ledger.attempts | ForEach-Object { [string]$_.status }) -join ',') | Should -Be '503,200'
        (Get-JelouRequestContext).MaximumRetryCount | Should -Be 0 -Because 'a parameter of one send does not change the session default'
    }

    It '-Reset restores the defaults after every setting was changed' {
        Set-JelouRequestContext -MaximumRetryCount 5 -RetryIntervalSec 4 -TimeoutSec 12 -ThrottleLimit 2 -RateLimit 50 -RetryPossiblyDelivered
        $changed = Get-JelouRequestContext
        $changed.MaximumRetryCount | Should -Be 5
        $changed.RetryIntervalSec | Should -Be 4
        $changed.TimeoutSec | Should -Be 12
        $changed.ThrottleLimit | Should -Be 2
        $changed.RateLimit | Should -Be 50
        $changed.RetryPossiblyDelivered | Should -BeTrue

        $reset = @(Set-JelouRequestContext -Reset -PassThru)

        $reset.Count | Should -Be 1
        Assert-RequestDefaults -Context $reset[0] -Where 'the -PassThru output of -Reset'
        Assert-RequestDefaults -Context (Get-JelouRequestContext) -Where 'Get-JelouRequestContext after -Reset'
    }

    It '-WhatIf changes nothing and writes nothing' {
        $output = @(Set-JelouRequestContext -MaximumRetryCount 9 -TimeoutSec 99 -ThrottleLimit 3 -RetryPossiblyDelivered -PassThru -WhatIf)

        $output.Count | Should -Be 0
        Assert-RequestDefaults -Context (Get-JelouRequestContext) -Where 'Get-JelouRequestContext after -WhatIf'
    }
}

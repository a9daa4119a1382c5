#Requires -Version 5.1
# Issue 17, items 17 to 19: where a request goes does not depend on where its credential came from (-BaseUri, then
# the profile in use, then JELOU_BASE_URI, then production); Remove-JelouCredential without -Name removes 'default'
# with ConfirmImpact High; two PowerShell processes saving profiles into the same file at once lose none of them.
#
# Isolation as in Credentials.Tests.ps1: XDG_CONFIG_HOME points into $TestDrive and the JELOU_* variables are removed
# for the whole file, and both are restored in AfterAll; every session profile this file uses is removed again.

BeforeDiscovery {
    # On Windows the per-user store is %APPDATA%\jelou (DPAPI), which XDG_CONFIG_HOME does not redirect.
    $storeIsolated = -not ($PSVersionTable.PSEdition -eq 'Desktop' -or $IsWindows)
}

Describe 'Credential profiles' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $configHome = [System.IO.Path]::GetFullPath((Join-Path $TestDrive 'xdg-config'))
        $environment = Enter-JelouTestEnvironment -ConfigHome $configHome
        $credentialFile = [System.IO.Path]::Combine($configHome, 'jelou', 'credentials.json')

        $ProgressPreference = 'SilentlyContinue'
        $modulePath = Get-JelouModulePath
        Import-Module $modulePath -Force

        $fake = Start-FakeJelouApi -ClientId 'perfiles-client' -ClientSecret 'perfiles-secreto-17'
        $user = '593999000717'

        # Nothing listens on the discard port of loopback: a request sent there fails at once, and never leaves the host.
        $nowhere = 'http://127.0.0.1:9/'

        $sessionProfileNames = @('default', 'sandbox17')


        $otherCredential = New-TestCredential 'otra-cuenta' 'otro-secreto-17'
        Remove-JelouCredential -Name 'default' -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
    }

    AfterAll {
        try {
            Stop-FakeJelouApi $fake
        }
        finally {
            Exit-JelouTestEnvironment $environment -SessionProfile $sessionProfileNames
        }
    }

    Context 'the base URI does not depend on where the credential came from' {
        BeforeEach {
            Reset-FakeJelouApi $fake
            # Were the profile's base URI ignored, the request would go here and fail, never to production.
            $env:JELOU_BASE_URI = $nowhere
        }

        AfterEach {
            foreach ($name in $sessionProfileNames) {
                Remove-JelouCredential -Name $name -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
            }

            Remove-Item -LiteralPath 'Env:JELOU_BASE_URI' -ErrorAction SilentlyContinue
        }

        It '-Credential goes to the base URI of the default session profile' {
            Set-JelouCredential -Credential $otherCredential -BaseUri $fake.BaseUri

            $output = @(Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con -Credential' -Credential $fake.Credential -MaximumRetryCount 0 -TimeoutSec 5 -Verbose -ErrorAction SilentlyContinue 4>&1)
            $result = @($output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

            $result.Count | Should -Be 1
            $result[0].Status | Should -Be 'Sent'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 1
            @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "*API $($fake.BaseUri)*" }).Count | Should -Be 1
        }

        It '-Credential with -CredentialName goes to the base URI of the named profile' {
            Set-JelouCredential -Name 'sandbox17' -Credential $otherCredential -BaseUri $fake.BaseUri

            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con perfil nombrado' -Credential $fake.Credential -CredentialName 'sandbox17' -MaximumRetryCount 0 -TimeoutSec 5 -ErrorAction SilentlyContinue

            $result.Status | Should -Be 'Sent'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 1
        }

        It '-Credential goes to the base URI of the default profile persisted for the user, when that is the profile in use' -Skip:(-not $storeIsolated) {
            Set-JelouCredential -Credential $otherCredential -BaseUri $fake.BaseUri -Scope CurrentUser
            Remove-JelouCredential -Name 'default' -Scope Process -Confirm:$false -ErrorAction Stop
            try {
                $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con perfil guardado' -Credential $fake.Credential -MaximumRetryCount 0 -TimeoutSec 5 -ErrorAction SilentlyContinue

                $result.Status | Should -Be 'Sent'
                @((Get-FakeLedger $fake).entries).Count | Should -Be 1
            }
            finally {
                Remove-JelouCredential -Name 'default' -Scope CurrentUser -Confirm:$false -ErrorAction SilentlyContinue
            }
        }

        It '-BaseUri on the command wins over the profile, and JELOU_BASE_URI is used when no profile has one' {
            Set-JelouCredential -Credential $otherCredential -BaseUri $nowhere
            $env:JELOU_BASE_URI = $fake.BaseUri

            $byCommand = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Gana -BaseUri' -Credential $fake.Credential -BaseUri $fake.BaseUri -MaximumRetryCount 0 -TimeoutSec 5 -ErrorAction SilentlyContinue
            $byCommand.Status | Should -Be 'Sent'

            Remove-JelouCredential -Name 'default' -Scope Process -Confirm:$false -ErrorAction Stop
            $byVariable = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Gana JELOU_BASE_URI' -Credential $fake.Credential -MaximumRetryCount 0 -TimeoutSec 5 -ErrorAction SilentlyContinue
            $byVariable.Status | Should -Be 'Sent'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 2
        }

        It 'about_Jelou gives the base URI order next to the credential order' {
            $about = (Get-Help about_Jelou | Out-String -Width 300) -replace '\s+', ' '
            $about | Should -Match 'whatever the credential came from'
            $about | Should -Match 'even with -Credential'
        }
    }

    Context 'Remove-JelouCredential without -Name' {
        AfterEach {
            Remove-JelouCredential -Name 'default' -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
        }

        It "removes the profile 'default' from the session" {
            Set-JelouCredential -Credential $otherCredential
            @(Get-JelouCredential -Name 'default' -Scope Process).Count | Should -Be 1

            Remove-JelouCredential -Scope Process -Confirm:$false -ErrorAction Stop

            @(Get-JelouCredential -Name 'default' -Scope Process -ErrorAction SilentlyContinue).Count | Should -Be 0
        }

        It "removes the profile 'default' from the file, leaving the others" -Skip:(-not $storeIsolated) {
            Set-JelouCredential -Credential $otherCredential -Scope CurrentUser
            Set-JelouCredential -Name 'sandbox17' -Credential $otherCredential -Scope CurrentUser
            try {
                Remove-JelouCredential -Confirm:$false -ErrorAction Stop

                $names = @(([System.IO.File]::ReadAllText($credentialFile) | ConvertFrom-Json).profiles | ForEach-Object name)
                $names | Should -Not -Contain 'default'
                $names | Should -Contain 'sandbox17'
            }
            finally {
                Remove-JelouCredential -Name 'sandbox17' -Confirm:$false -ErrorAction SilentlyContinue
            }
        }

        It 'has ConfirmImpact High, so it asks by default and a script passes -Confirm:$false' {
            $attribute = [Jelou.PowerShell.Commands.RemoveJelouCredentialCommand].GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            [string]$attribute.ConfirmImpact | Should -Be 'High'
            (Get-Command Remove-JelouCredential).Parameters['Name'].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -Not -Contain $true

            # With the default $ConfirmPreference (High) it prompts; a runspace with no user interface cannot answer,
            # so nothing is removed.
            Set-JelouCredential -Credential $otherCredential
            $shell = [System.Management.Automation.PowerShell]::Create()
            try {
                $null = $shell.AddScript('param($Path) Import-Module $Path; Remove-JelouCredential -Scope Process').AddArgument($modulePath)
                $failed = $false
                try {
                    $null = $shell.Invoke()
                    $failed = $shell.HadErrors
                }
                catch {
                    $failed = $true
                }

                $failed | Should -BeTrue -Because 'the confirmation prompt cannot be shown there'
            }
            finally {
                $shell.Dispose()
            }

            @(Get-JelouCredential -Name 'default' -Scope Process).Count | Should -Be 1 -Because 'an unanswered prompt removes nothing'
        }
    }

    Context 'two processes saving profiles at once' {
        It 'keeps all 40 profiles that two PowerShell processes save into the same file, 20 each' -Skip:(-not $storeIsolated) {
            $sharedHome = Join-Path $TestDrive 'xdg-shared'
            $null = New-Item -ItemType Directory -Path $sharedHome -Force
            $go = Join-Path $TestDrive 'go.flag'
            $script = Join-Path $TestDrive 'save-profiles.ps1'
            Set-Content -LiteralPath $script -Encoding UTF8 -Value @'
param([string] $ModulePath, [string] $Prefix, [string] $GoFile)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$secure = ConvertTo-SecureString -String 'secreto-concurrente' -AsPlainText -Force
$credential = New-Object System.Management.Automation.PSCredential('cliente-concurrente', $secure)
# Warmed up (the cmdlet and the store compiled), so both first saves start as soon as the flag appears.
Set-JelouCredential -Name 'calentamiento' -Credential $credential -Scope Process
$null = Get-JelouCredential -Scope CurrentUser
[Console]::Out.WriteLine('ready')
[Console]::Out.Flush()
# Both processes start saving at the same moment, so their read-modify-write cycles overlap.
while (-not (Test-Path -LiteralPath $GoFile)) { Start-Sleep -Milliseconds 5 }
for ($i = 1; $i -le 20; $i++) {
    Set-JelouCredential -Name ('{0}{1}' -f $Prefix, $i) -Credential $credential -Scope CurrentUser
}
[Console]::Out.WriteLine('done')
'@

            $environment = @{ XDG_CONFIG_HOME = $sharedHome }
            $processes = @(
                foreach ($prefix in 'a', 'b') {
                    Start-PowerShellProcess -ScriptPath $script -ArgumentList $modulePath, $prefix, $go -Environment $environment
                }
            )

            try {
                $stdout = @(foreach ($process in $processes) { $process.StandardOutput.ReadLineAsync() })
                foreach ($pending in $stdout) {
                    $pending.Wait(60000) | Should -BeTrue -Because 'each child imports the module and says ready'
                    $pending.Result | Should -Be 'ready'
                }

                $null = New-Item -ItemType File -Path $go
                foreach ($process in $processes) {
                    $errorText = $process.StandardError.ReadToEndAsync()
                    $outputText = $process.StandardOutput.ReadToEndAsync()
                    $process.WaitForExit(120000) | Should -BeTrue -Because 'saving 20 profiles takes seconds'
                    $errorText.Result | Should -BeNullOrEmpty
                    $outputText.Result.Trim() | Should -Be 'done'
                    $process.ExitCode | Should -Be 0
                }
            }
            finally {
                foreach ($process in $processes) {
                    if (-not $process.HasExited) {
                        $process.Kill()
                    }

                    $process.Dispose()
                }
            }

            $file = [System.IO.Path]::Combine($sharedHome, 'jelou', 'credentials.json')
            $names = @(([System.IO.File]::ReadAllText($file) | ConvertFrom-Json).profiles | ForEach-Object name | Sort-Object)
            $expected = @(foreach ($prefix in 'a', 'b') { foreach ($i in 1..20) { "$prefix$i" } }) | Sort-Object
            $names.Count | Should -Be 40
            ($names -join ',') | Should -Be ($expected -join ',')
        }
    }
}

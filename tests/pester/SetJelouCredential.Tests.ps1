#Requires -Version 5.1
# Set-JelouCredential: the stored credential is used by the send cmdlets, both parameter sets work, -PassThru
# never shows the secret, Verbose/Debug output never leaks it, and a wrong secret stops the batch.

Describe 'Set-JelouCredential' {
    BeforeAll {
        # Should a default ever persist profiles, keep this run away from the real per-user store.
        $savedConfigHome = $env:XDG_CONFIG_HOME
        $env:XDG_CONFIG_HOME = Join-Path $TestDrive 'config'
        $null = New-Item -ItemType Directory -Path $env:XDG_CONFIG_HOME -Force

        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force

        $clientId = 'cred-client'
        $secret = 'zQ9xSecretoUnico7731'
        $basicToken = [System.Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes(('{0}:{1}' -f $clientId, $secret)))
        $fake = Start-FakeJelouApi -ClientId $clientId -ClientSecret $secret
        $user = '593999000111'


        # Every string a value can show: its text as formatted, and its JSON.
        function Get-ShownText {
            param($Value)
            ($Value | Out-String -Width 4096) + "`n" + ($Value | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue)
        }
    }

    AfterAll {
        # Session profiles are process-wide statics: do not leave ones that point at this file's (stopped) fake.
        if (Get-Command -Name 'Remove-JelouCredential' -ErrorAction SilentlyContinue) {
            Remove-JelouCredential -Name 'default', 'perfil-pruebas' -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
        }

        Stop-FakeJelouApi $fake
        if (Get-Variable -Name 'savedConfigHome' -ErrorAction SilentlyContinue) {
            $env:XDG_CONFIG_HOME = $savedConfigHome
        }
    }

    It 'stores -Credential for the session, so sends need neither -Credential nor -BaseUri' {
        $set = Set-JelouCredential -Credential $fake.Credential -BaseUri $fake.BaseUri
        $set | Should -BeNullOrEmpty -Because 'without -PassThru nothing is written'

        Reset-FakeJelouApi $fake
        $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con la credencial guardada' -ErrorAction Stop

        $result.Status | Should -Be 'Sent'
        $ledger = Get-FakeLedger $fake
        @($ledger.entries).Count | Should -Be 1
        ($ledger.entries[0].body | ConvertFrom-Json).text | Should -BeExactly 'Con la credencial guardada'
    }

    It 'stores -ClientId with a -ClientSecret SecureString, replacing the previous credential' {
        # First a wrong secret, then the right one through the other parameter set: the send must use the latter.
        Set-JelouCredential -Credential (New-TestCredential $clientId 'not-the-secret') -BaseUri $fake.BaseUri
        Set-JelouCredential -ClientId $clientId -ClientSecret (ConvertTo-SecureString -String $secret -AsPlainText -Force) -BaseUri $fake.BaseUri

        Reset-FakeJelouApi $fake
        $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con ClientId y ClientSecret' -ErrorAction Stop

        $result.Status | Should -Be 'Sent'
        @((Get-FakeLedger $fake).entries).Count | Should -Be 1
    }

    It 'uses a named profile given with -CredentialName' {
        Set-JelouCredential -Name 'perfil-pruebas' -Credential $fake.Credential -BaseUri $fake.BaseUri

        Reset-FakeJelouApi $fake
        $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con perfil' -CredentialName 'perfil-pruebas' -ErrorAction Stop

        $result.Status | Should -Be 'Sent'
        @((Get-FakeLedger $fake).entries).Count | Should -Be 1
    }

    It '-PassThru shows the ClientId and never the secret' {
        $stored = Set-JelouCredential -Credential $fake.Credential -BaseUri $fake.BaseUri -PassThru

        @($stored).Count | Should -Be 1
        $stored.ClientId | Should -Be $clientId
        $shown = Get-ShownText $stored
        $shown | Should -Not -BeNullOrEmpty
        $shown.Contains($clientId) | Should -BeTrue
        $shown.Contains($secret) | Should -BeFalse
        $shown.Contains($basicToken) | Should -BeFalse

        foreach ($property in $stored.PSObject.Properties) {
            $text = Get-ShownText $property.Value
            $text.Contains($secret) | Should -BeFalse -Because "property $($property.Name) must not reveal the secret"
            $text.Contains($basicToken) | Should -BeFalse -Because "property $($property.Name) must not reveal the Basic token"
        }
    }

    It 'never writes the secret or its Basic token to the Verbose or Debug streams' {
        Set-JelouCredential -Credential $fake.Credential -BaseUri $fake.BaseUri
        Reset-FakeJelouApi $fake
        # A 503 with Retry-After: 0 first, so a retry notice is logged too.
        Add-FakeResponse $fake @{ status = 503; headers = @{ 'Retry-After' = '0' } }

        $DebugPreference = 'Continue'
        $records = @(Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con verbose' -Verbose 4>&1 5>&1)

        $results = @($records | Where-Object { $_ -isnot [System.Management.Automation.InformationalRecord] })
        $messages = @($records | Where-Object { $_ -is [System.Management.Automation.InformationalRecord] } | ForEach-Object { $_.Message })
        $results.Count | Should -Be 1
        $results[0].Status | Should -Be 'Sent'
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0

        $all = ($messages -join "`n") + "`n" + (($records | Out-String -Width 4096))
        $all.Contains($secret) | Should -BeFalse
        $all.Contains($basicToken) | Should -BeFalse
    }

    It 'stops the batch with an AuthenticationError when the secret is wrong, without revealing it' {
        $wrongSecret = 'wrong-secret-4412'
        $wrong = New-TestCredential $clientId $wrongSecret
        $wrongToken = [System.Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes(('{0}:{1}' -f $clientId, $wrongSecret)))
        Reset-FakeJelouApi $fake

        $collected = [System.Collections.Generic.List[object]]::new()
        $caught = $null
        $errs = $null
        try {
            Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con secreto equivocado' -Credential $wrong -BaseUri $fake.BaseUri -ErrorAction SilentlyContinue -ErrorVariable errs |
                ForEach-Object { $collected.Add($_) }
        }
        catch {
            $caught = $_
        }

        $caught | Should -Not -BeNullOrEmpty -Because 'a 401 fails every row the same way'
        $caught.FullyQualifiedErrorId | Should -BeLike 'JelouBatchStopped*'
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'

        $collected.Count | Should -Be 1
        $collected[0].Status | Should -Be 'Failed'
        $collected[0].HttpStatus | Should -Be 401

        $shown = @($caught.ToString(), $caught.Exception.ToString()) + @($errs | ForEach-Object { $_.ToString() }) + @($collected | ForEach-Object { [string]$_.Error })
        foreach ($text in $shown) {
            $text.Contains($wrongSecret) | Should -BeFalse
            $text.Contains($wrongToken) | Should -BeFalse
        }

        @((Get-FakeLedger $fake).entries).Count | Should -Be 0
    }
}

#Requires -Version 5.1
# The credential cmdlets against the fake Jelou API: Set-, Get-, Remove- and Test-JelouCredential, the per-user
# file (location, 0600/0700 modes, refusal of a file others can read, a corrupted file left untouched), the
# environment-variable fallback, the resolution order (-Credential, session profile, JELOU_* variables, file),
# named profiles, -Vault without SecretManagement, and that no stream, view, error record or transcript ever shows
# the client secret or its Basic token.
#
# Isolation: for the whole file XDG_CONFIG_HOME points into $TestDrive and the JELOU_* variables are removed; both are
# restored in AfterAll, so the real user's ~/.config/jelou and environment are never read or written. Session profiles
# are process-wide statics: every profile name this file uses is removed from the session in AfterAll. Checks that need
# a process without any session profile run in a new PowerShell process (Invoke-IsolatedScript).

BeforeDiscovery {
    # On Windows the per-user store is %APPDATA%\jelou (DPAPI), which XDG_CONFIG_HOME does not redirect: the tests that
    # persist a profile run only where the store can be kept inside $TestDrive.
    $storeIsolated = -not ($PSVersionTable.PSEdition -eq 'Desktop' -or $IsWindows)
}

Describe 'Jelou credentials' {
    BeforeAll {
        # First of all, so AfterAll can always put them back.
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $configHome = [System.IO.Path]::GetFullPath((Join-Path $TestDrive 'xdg-config'))
        $environment = Enter-JelouTestEnvironment -ConfigHome $configHome

        # The module creates this folder and file itself; the tests never create them, so their modes are the module's.
        $storeDirectory = [System.IO.Path]::Combine($configHome, 'jelou')
        $credentialFile = [System.IO.Path]::Combine($storeDirectory, 'credentials.json')

        $ProgressPreference = 'SilentlyContinue'
        $modulePath = Get-JelouModulePath
        Import-Module $modulePath -Force

        $clientId = 'cred-suite-client'
        $secret = 'Sx7-SecretoCredencial-40Qz'
        $fake = Start-FakeJelouApi -ClientId $clientId -ClientSecret $secret
        $user = '593999000555'
        $basicToken = [System.Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes(('{0}:{1}' -f $clientId, $secret)))
        $secretBase64 = [System.Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($secret))

        $wrongSecret = 'Wr0ng-SecretoMalo-1187'
        $wrongToken = [System.Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes(('{0}:{1}' -f $clientId, $wrongSecret)))

        # What no view may contain.
        $forbidden = [ordered]@{
            'the client secret'                 = $secret
            'the Basic token'                   = $basicToken
            'the base64 of the secret'          = $secretBase64
            'a wrong secret'                    = $wrongSecret
            'the Basic token of a wrong secret' = $wrongToken
        }

        # Every session profile this file may create; AfterAll removes them from the session again.
        $sessionProfileNames = @(
            'default', 'sesion-a', 'persistido', 'abierto', 'antes-de-danar', 'visible-en-sesion', 'tras-corrupcion',
            'para-borrar', 'prod', 'boveda'
        )

        $chmod = '/bin/chmod'
        if (-not (Test-Path -LiteralPath $chmod)) {
            $chmod = [string](Get-Command -Name 'chmod' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
        }

        # A clean start: no session 'default' left by another test file.
        Remove-JelouCredential -Name 'default' -Scope Process -Confirm:$false -ErrorAction SilentlyContinue


        function Set-TestFileMode {
            param([string] $Path, [string] $Mode)
            & $chmod $Mode $Path
            if ($LASTEXITCODE -ne 0) {
                throw "chmod $Mode '$Path' failed with exit code $LASTEXITCODE."
            }
        }

        # Every text a captured object can show: the message of a stream record; for an error record its ToString(),
        # id, category, exception with inner exceptions and stack, ErrorDetails, target and formatted views; for any
        # other object its default view, every property (Format-List *) and its JSON.
        function ConvertTo-ShownText {
            param([object[]] $InputObject)

            $parts = [System.Collections.Generic.List[string]]::new()
            foreach ($item in @($InputObject)) {
                if ($null -eq $item) {
                    continue
                }

                if ($item -is [System.Management.Automation.ErrorRecord]) {
                    $parts.Add($item.ToString())
                    $parts.Add([string]$item.FullyQualifiedErrorId)
                    $parts.Add([string]$item.CategoryInfo)
                    if ($null -ne $item.Exception) {
                        $parts.Add($item.Exception.ToString())
                    }

                    if ($null -ne $item.ErrorDetails) {
                        $parts.Add([string]$item.ErrorDetails.Message)
                        $parts.Add([string]$item.ErrorDetails.RecommendedAction)
                    }

                    if ($null -ne $item.TargetObject) {
                        $parts.Add(($item.TargetObject | Out-String -Width 4096))
                    }

                    $parts.Add(($item | Out-String -Width 4096))
                    $parts.Add(($item | Format-List -Property * -Force | Out-String -Width 4096))
                }
                elseif ($item -is [System.Management.Automation.InformationalRecord]) {
                    # Verbose, Debug and Warning records.
                    $parts.Add([string]$item.Message)
                }
                elseif ($item -is [System.Management.Automation.InformationRecord]) {
                    $parts.Add([string]$item.MessageData)
                }
                elseif ($item -is [System.Exception]) {
                    # -ErrorVariable also collects the exception of a terminating error. ToString has every inner
                    # exception's message; PowerShell 7.6's ConvertTo-Json refuses an exception (its Data dictionary).
                    $parts.Add($item.ToString())
                    $parts.Add(($item | Format-List -Property * -Force | Out-String -Width 4096))
                }
                else {
                    $parts.Add(($item | Out-String -Width 4096))
                    $parts.Add(($item | Format-List -Property * | Out-String -Width 4096))
                    $parts.Add([string](ConvertTo-Json -InputObject $item -Depth 5 -WarningAction SilentlyContinue))
                }
            }

            $parts -join "`n"
        }

        function Assert-NothingRevealed {
            param(
                [AllowEmptyString()] [string] $Text,
                [string] $Where
            )

            $Text | Should -Not -BeNullOrEmpty -Because "$Where must have produced text to check"
            foreach ($entry in $forbidden.GetEnumerator()) {
                $Text.Contains([string]$entry.Value) | Should -BeFalse -Because "$Where must not reveal $($entry.Key)"
            }
        }
    }

    AfterAll {
        try {
            Stop-FakeJelouApi $fake
        }
        finally {
            if (Get-Variable -Name 'environment' -ErrorAction SilentlyContinue) {
                Exit-JelouTestEnvironment $environment -SessionProfile $sessionProfileNames
            }
        }
    }

    Context 'Set-JelouCredential and Get-JelouCredential in the session' {
        It 'Set then Get shows Name, ClientId, Scope Process and Store Session, and no view shows the secret' {
            Set-JelouCredential -Name 'sesion-a' -Credential $fake.Credential -BaseUri $fake.BaseUri

            $listed = @(Get-JelouCredential -Name 'sesion-a')
            $listed.Count | Should -Be 1
            $info = $listed[0]
            $info.Name | Should -Be 'sesion-a'
            $info.ClientId | Should -Be $clientId
            [string]$info.Scope | Should -Be 'Process'
            $info.Store | Should -Be 'Session'
            $info.BaseUri.AbsoluteUri | Should -Be $fake.BaseUri
            (@($info.PSObject.Properties.Name | Sort-Object) -join ',') | Should -Be 'BaseUri,ClientId,Name,Scope,Store'

            foreach ($property in $info.PSObject.Properties) {
                Assert-NothingRevealed -Text ('[' + $property.Name + '] ' + [string]$property.Value) -Where "property $($property.Name)"
            }

            Assert-NothingRevealed -Text (Get-JelouCredential | Out-String -Width 4096) -Where 'Get-JelouCredential | Out-String'
            Assert-NothingRevealed -Text ([string](Get-JelouCredential | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue)) -Where 'Get-JelouCredential | ConvertTo-Json'
            Assert-NothingRevealed -Text (Get-JelouCredential | Format-List -Property * | Out-String -Width 4096) -Where 'Get-JelouCredential | Format-List *'
        }
    }

    Context 'persisted for the current user (-Scope CurrentUser)' {
        AfterEach {
            # -Scope CurrentUser also sets the profile for this session; these tests are about the file.
            Remove-JelouCredential -Name 'default' -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
        }

        It 'writes credentials.json under XDG_CONFIG_HOME, lists it in both scopes, and keeps the plain secret out of the file' -Skip:(-not $storeIsolated) {
            $info = Set-JelouCredential -Name 'persistido' -Credential $fake.Credential -BaseUri $fake.BaseUri -Scope CurrentUser -PassThru

            @($info).Count | Should -Be 1
            $info.Name | Should -Be 'persistido'
            $info.ClientId | Should -Be $clientId
            [string]$info.Scope | Should -Be 'CurrentUser'
            $info.Store | Should -Be "File ($credentialFile)"
            Test-Path -LiteralPath $credentialFile -PathType Leaf | Should -BeTrue

            $listed = @(Get-JelouCredential -Name 'persistido')
            (@($listed | ForEach-Object { [string]$_.Scope } | Sort-Object) -join ',') | Should -Be 'CurrentUser,Process'

            $content = [System.IO.File]::ReadAllText($credentialFile)
            $content.Contains($secret) | Should -BeFalse -Because 'the plain secret is never written to the file'
            $content.Contains($basicToken) | Should -BeFalse

            # Only obfuscation: on Linux and macOS the secret is kept as base64 ("protection": "base64"), which anyone
            # who can read the file decodes; the protection is the file's 0600 mode alone (DPAPI is used on Windows).
            $document = $content | ConvertFrom-Json
            $entries = @($document.profiles | Where-Object { $_.name -eq 'persistido' })
            $entries.Count | Should -Be 1
            $entries[0].clientId | Should -Be $clientId
            $entries[0].protection | Should -Be 'base64'
            [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($entries[0].secret)) |
                Should -BeExactly $secret -Because 'base64 only hides the secret from a glance; the file mode is what protects it'
        }

        It 'creates the file with mode 0600 in a folder with mode 0700' -Skip:(-not $IsLinux) {
            Set-JelouCredential -Name 'persistido' -Credential $fake.Credential -BaseUri $fake.BaseUri -Scope CurrentUser

            (Get-Item -LiteralPath $credentialFile -Force).UnixFileMode |
                Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
            (Get-Item -LiteralPath $storeDirectory -Force).UnixFileMode |
                Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        }

        It 'is found by a new PowerShell process, which lists it as CurrentUser and sends with it' -Skip:(-not $storeIsolated) {
            # The default profile, so the new process needs no -CredentialName: no session profile, no JELOU_* variables.
            Set-JelouCredential -Credential $fake.Credential -BaseUri $fake.BaseUri -Scope CurrentUser
            Reset-FakeJelouApi $fake

            $output = @(Invoke-IsolatedScript -ArgumentList $modulePath, $configHome, $fake.BaseUri, $user -ScriptBlock {
                    param($ModulePath, $ConfigHome, $BaseUri, $UserId)
                    $ProgressPreference = 'SilentlyContinue'
                    foreach ($variable in @(Get-ChildItem -Path 'Env:' | Where-Object { $_.Name -like 'JELOU_*' })) {
                        Remove-Item -LiteralPath ('Env:' + $variable.Name)
                    }

                    $env:XDG_CONFIG_HOME = $ConfigHome
                    try {
                        Import-Module $ModulePath -ErrorAction Stop
                        $sessionProfiles = @(Get-JelouCredential -Scope Process -ErrorAction Stop)
                        $listed = @(Get-JelouCredential -Name 'default' -ErrorAction Stop)
                        $result = Send-JelouBotMessage -BotId 'bot1' -UserId $UserId -Text 'Desde otro proceso' -BaseUri $BaseUri -ErrorAction Stop
                        [pscustomobject]@{
                            Ok              = $true
                            Error           = ''
                            SessionProfiles = $sessionProfiles.Count
                            Listed          = $listed.Count
                            Scope           = (@($listed | ForEach-Object { [string]$_.Scope }) -join ',')
                            ClientId        = (@($listed | ForEach-Object { [string]$_.ClientId }) -join ',')
                            Store           = (@($listed | ForEach-Object { [string]$_.Store }) -join ',')
                            Results         = @($result).Count
                            Status          = (@($result | ForEach-Object { [string]$_.Status }) -join ',')
                        }
                    }
                    catch {
                        [pscustomobject]@{
                            Ok = $false; Error = [string]$_.FullyQualifiedErrorId + ': ' + $_.ToString(); SessionProfiles = -1
                            Listed = 0; Scope = ''; ClientId = ''; Store = ''; Results = 0; Status = ''
                        }
                    }
                })

            $output.Count | Should -Be 1
            $output[0].Error | Should -BeNullOrEmpty
            $output[0].Ok | Should -BeTrue
            $output[0].SessionProfiles | Should -Be 0 -Because 'a new process starts without session profiles'
            $output[0].Listed | Should -Be 1
            $output[0].Scope | Should -Be 'CurrentUser'
            $output[0].ClientId | Should -Be $clientId
            $output[0].Store | Should -BeLike '*credentials.json)'
            $output[0].Results | Should -Be 1
            $output[0].Status | Should -Be 'Sent'

            $ledger = Get-FakeLedger $fake
            @($ledger.entries).Count | Should -Be 1
            ($ledger.entries[0].body | ConvertFrom-Json).text | Should -BeExactly 'Desde otro proceso'
        }

        It 'refuses a file that others can read (chmod 644) with a terminating error that says chmod 600, and sends nothing' -Skip:(-not $IsLinux) {
            Set-JelouCredential -Name 'abierto' -Credential $fake.Credential -BaseUri $fake.BaseUri -Scope CurrentUser
            # Only the file may answer for this profile.
            Remove-JelouCredential -Name 'abierto' -Scope Process -Confirm:$false -ErrorAction Stop
            Reset-FakeJelouApi $fake

            Set-TestFileMode -Path $credentialFile -Mode '644'
            try {
                (Get-Item -LiteralPath $credentialFile -Force).UnixFileMode |
                    Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')

                $written = [System.Collections.Generic.List[object]]::new()
                $caught = $null
                try {
                    Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'No debe salir' -CredentialName 'abierto' -ErrorAction SilentlyContinue |
                        ForEach-Object { $written.Add($_) }
                }
                catch {
                    $caught = $_
                }

                $caught | Should -Not -BeNullOrEmpty -Because 'a file others can read is refused for every row'
                $caught.FullyQualifiedErrorId | Should -BeLike 'JelouCredentialInsecurePermissions,*'
                [string]$caught.CategoryInfo.Category | Should -Be 'SecurityError'
                ($caught.Exception.Message + ' ' + $caught.ToString()) | Should -Match 'chmod 600'
                $written.Count | Should -Be 0
                (Get-FakeLedger $fake).totalRequests | Should -Be 0
            }
            finally {
                Set-TestFileMode -Path $credentialFile -Mode '600'
            }

            (Get-Item -LiteralPath $credentialFile -Force).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
            Reset-FakeJelouApi $fake
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Tras chmod 600' -CredentialName 'abierto' -ErrorAction Stop
            $result.Status | Should -Be 'Sent' -Because 'the same profile works again once the file is 0600'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 1
        }

        It 'reports a corrupted file with its path, still lists the session profiles, and never overwrites it' -Skip:(-not $storeIsolated) {
            # A valid store first, written by the module itself, then a session profile that must stay visible.
            Set-JelouCredential -Name 'antes-de-danar' -Credential $fake.Credential -Scope CurrentUser
            Remove-JelouCredential -Name 'antes-de-danar' -Scope Process -Confirm:$false -ErrorAction Stop
            Set-JelouCredential -Name 'visible-en-sesion' -Credential $fake.Credential
            $original = [System.IO.File]::ReadAllBytes($credentialFile)
            try {
                [System.IO.File]::WriteAllText($credentialFile, 'not json{')
                if (-not $IsWindows) {
                    # Still 0600, so the refusal is about the content and not about the permissions.
                    [System.IO.File]::SetUnixFileMode($credentialFile, [System.IO.UnixFileMode]'UserRead, UserWrite')
                }

                $errs = $null
                $listed = @(Get-JelouCredential -ErrorAction SilentlyContinue -ErrorVariable errs)
                @($errs).Count | Should -Be 1
                $errs[0].FullyQualifiedErrorId | Should -BeLike 'JelouCredentialCorrupt,*'
                [string]$errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
                $errs[0].Exception.Message.Contains($credentialFile) | Should -BeTrue -Because 'the error names the file to fix'
                @($listed | Where-Object { $_.Name -eq 'visible-en-sesion' -and [string]$_.Scope -eq 'Process' }).Count | Should -Be 1
                @($listed | Where-Object { [string]$_.Scope -eq 'CurrentUser' }).Count | Should -Be 0

                $thrown = { Set-JelouCredential -Name 'tras-corrupcion' -Credential $fake.Credential -Scope CurrentUser } |
                    Should -Throw -ErrorId 'JelouCredentialCorrupt,*' -PassThru
                $thrown.Exception.Message.Contains($credentialFile) | Should -BeTrue
                [System.IO.File]::ReadAllText($credentialFile) | Should -BeExactly 'not json{' -Because 'a damaged store is never overwritten'
                @(Get-JelouCredential -Name 'tras-corrupcion' -Scope Process -ErrorAction SilentlyContinue).Count |
                    Should -Be 0 -Because 'a Set that failed stores nothing, not even for the session'
            }
            finally {
                [System.IO.File]::WriteAllBytes($credentialFile, $original)
                Remove-JelouCredential -Name 'visible-en-sesion', 'tras-corrupcion' -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
            }

            @(Get-JelouCredential -Name 'antes-de-danar' -Scope CurrentUser -ErrorAction Stop).Count | Should -Be 1 -Because 'the restored file reads again'
        }

        It 'Remove-JelouCredential removes a profile from the session and from the file' -Skip:(-not $storeIsolated) {
            Set-JelouCredential -Name 'para-borrar' -Credential $fake.Credential -BaseUri $fake.BaseUri -Scope CurrentUser
            @(Get-JelouCredential -Name 'para-borrar').Count | Should -Be 2

            Remove-JelouCredential -Name 'para-borrar' -Confirm:$false -ErrorAction Stop

            $errs = $null
            $after = @(Get-JelouCredential -Name 'para-borrar' -ErrorAction SilentlyContinue -ErrorVariable errs)
            $after.Count | Should -Be 0
            @($errs).Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'JelouCredentialNotFound,*'

            $document = [System.IO.File]::ReadAllText($credentialFile) | ConvertFrom-Json
            @($document.profiles | Where-Object { $_.name -eq 'para-borrar' }).Count | Should -Be 0

            Reset-FakeJelouApi $fake
            { Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Perfil borrado' -CredentialName 'para-borrar' -BaseUri $fake.BaseUri -ErrorAction SilentlyContinue } |
                Should -Throw -ErrorId 'JelouCredentialNotFound,*'
            (Get-FakeLedger $fake).totalRequests | Should -Be 0
        }
    }

    Context 'Remove-JelouCredential of a profile that does not exist' {
        It 'writes a non-terminating JelouCredentialNotFound error naming the profile' {
            $errs = $null
            $threw = $false
            try {
                Remove-JelouCredential -Name 'nunca-existio' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
            }
            catch {
                $threw = $true
            }

            $threw | Should -BeFalse -Because 'a missing profile is reported, not fatal'
            @($errs).Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'JelouCredentialNotFound,*'
            [string]$errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].TargetObject | Should -Be 'nunca-existio'
            $errs[0].Exception.Message | Should -BeLike "*'nunca-existio'*"
        }
    }

    Context 'JELOU_CLIENT_ID and JELOU_CLIENT_SECRET, in a process without session profiles' {
        It 'sends with JELOU_CLIENT_ID, JELOU_CLIENT_SECRET and JELOU_BASE_URI and no -Credential or -BaseUri' {
            Reset-FakeJelouApi $fake
            $emptyConfig = [System.IO.Path]::GetFullPath((Join-Path $TestDrive 'xdg-env-complete'))
            $null = New-Item -ItemType Directory -Path $emptyConfig -Force

            $output = @(Invoke-IsolatedScript -ArgumentList $modulePath, $emptyConfig, $fake.BaseUri, $clientId, $secret, $user -ScriptBlock {
                    param($ModulePath, $ConfigHome, $BaseUri, $ClientId, $ClientSecret, $UserId)
                    $ProgressPreference = 'SilentlyContinue'
                    foreach ($variable in @(Get-ChildItem -Path 'Env:' | Where-Object { $_.Name -like 'JELOU_*' })) {
                        Remove-Item -LiteralPath ('Env:' + $variable.Name)
                    }

                    $env:XDG_CONFIG_HOME = $ConfigHome
                    $env:JELOU_CLIENT_ID = $ClientId
                    $env:JELOU_CLIENT_SECRET = $ClientSecret
                    $env:JELOU_BASE_URI = $BaseUri
                    try {
                        Import-Module $ModulePath -ErrorAction Stop
                        $profiles = @(Get-JelouCredential -ErrorAction Stop)
                        $result = Send-JelouBotMessage -BotId 'bot1' -UserId $UserId -Text 'Desde variables de entorno' -ErrorAction Stop
                        [pscustomobject]@{
                            Ok       = $true
                            Error    = ''
                            Profiles = $profiles.Count
                            Results  = @($result).Count
                            Status   = (@($result | ForEach-Object { [string]$_.Status }) -join ',')
                        }
                    }
                    catch {
                        [pscustomobject]@{ Ok = $false; Error = [string]$_.FullyQualifiedErrorId + ': ' + $_.ToString(); Profiles = -1; Results = 0; Status = '' }
                    }
                })

            $output.Count | Should -Be 1
            $output[0].Error | Should -BeNullOrEmpty
            $output[0].Ok | Should -BeTrue
            $output[0].Profiles | Should -Be 0 -Because 'the new process has no session profile and an empty per-user store'
            $output[0].Results | Should -Be 1
            $output[0].Status | Should -Be 'Sent'

            $ledger = Get-FakeLedger $fake
            @($ledger.entries).Count | Should -Be 1
            ($ledger.entries[0].body | ConvertFrom-Json).text | Should -BeExactly 'Desde variables de entorno'
        }

        It 'with only <Present> set, fails with a terminating error that names <Missing>, and sends nothing' -ForEach @(
            @{ Present = 'JELOU_CLIENT_ID'; Missing = 'JELOU_CLIENT_SECRET' }
            @{ Present = 'JELOU_CLIENT_SECRET'; Missing = 'JELOU_CLIENT_ID' }
        ) {
            Reset-FakeJelouApi $fake
            $emptyConfig = [System.IO.Path]::GetFullPath((Join-Path $TestDrive 'xdg-env-partial'))
            $null = New-Item -ItemType Directory -Path $emptyConfig -Force
            $presentValue = $clientId
            if ($Present -eq 'JELOU_CLIENT_SECRET') {
                $presentValue = $secret
            }

            $output = @(Invoke-IsolatedScript -ArgumentList $modulePath, $emptyConfig, $fake.BaseUri, $Present, $presentValue, $user -ScriptBlock {
                    param($ModulePath, $ConfigHome, $BaseUri, $VariableName, $VariableValue, $UserId)
                    $ProgressPreference = 'SilentlyContinue'
                    foreach ($variable in @(Get-ChildItem -Path 'Env:' | Where-Object { $_.Name -like 'JELOU_*' })) {
                        Remove-Item -LiteralPath ('Env:' + $variable.Name)
                    }

                    $env:XDG_CONFIG_HOME = $ConfigHome
                    Set-Item -LiteralPath ('Env:' + $VariableName) -Value $VariableValue
                    $written = [System.Collections.Generic.List[object]]::new()
                    try {
                        Import-Module $ModulePath -ErrorAction Stop
                        # -BaseUri points at the fake, so even a wrong success could never reach a real endpoint.
                        Send-JelouBotMessage -BotId 'bot1' -UserId $UserId -Text 'No debe salir' -BaseUri $BaseUri -ErrorAction SilentlyContinue |
                            ForEach-Object { $written.Add($_) }
                        [pscustomobject]@{ Terminating = $false; ErrorId = ''; Category = ''; Message = ''; Results = $written.Count }
                    }
                    catch {
                        [pscustomobject]@{
                            Terminating = $true
                            ErrorId     = [string]$_.FullyQualifiedErrorId
                            Category    = [string]$_.CategoryInfo.Category
                            Message     = [string]$_.Exception.Message + ' ' + $_.ToString()
                            Results     = $written.Count
                        }
                    }
                })

            $output.Count | Should -Be 1
            $output[0].Terminating | Should -BeTrue -Because 'half a credential fails every row the same way'
            $output[0].ErrorId | Should -BeLike 'JelouCredentialIncomplete,*'
            $output[0].Category | Should -Be 'InvalidArgument'
            $output[0].Message | Should -Match $Missing
            $output[0].Message.Contains($secret) | Should -BeFalse
            $output[0].Results | Should -Be 0
            (Get-FakeLedger $fake).totalRequests | Should -Be 0
        }
    }

    Context 'which credential wins' {
        AfterEach {
            Remove-JelouCredential -Name 'default' -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
            foreach ($name in 'JELOU_CLIENT_ID', 'JELOU_CLIENT_SECRET', 'JELOU_BASE_URI') {
                Remove-Item -LiteralPath ('Env:' + $name) -ErrorAction SilentlyContinue
            }
        }

        It '-Credential wins over the session profile' {
            Set-JelouCredential -Credential (New-TestCredential $clientId 'secreto-de-sesion-equivocado') -BaseUri $fake.BaseUri
            Reset-FakeJelouApi $fake

            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Gana -Credential' -Credential $fake.Credential -BaseUri $fake.BaseUri -ErrorAction Stop

            @($result).Count | Should -Be 1
            $result.Status | Should -Be 'Sent'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 1

            # Control: without -Credential the (wrong) session profile is used, and its 401 stops the batch.
            Reset-FakeJelouApi $fake
            { Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con el perfil de sesion' -ErrorAction SilentlyContinue } |
                Should -Throw -ErrorId 'JelouBatchStopped,*'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }

        It 'the session profile wins over JELOU_CLIENT_ID and JELOU_CLIENT_SECRET' {
            Set-JelouCredential -Credential $fake.Credential -BaseUri $fake.BaseUri
            $env:JELOU_CLIENT_ID = $clientId
            $env:JELOU_CLIENT_SECRET = 'secreto-de-entorno-equivocado'
            Reset-FakeJelouApi $fake

            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Gana la sesion' -ErrorAction Stop

            @($result).Count | Should -Be 1
            $result.Status | Should -Be 'Sent'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 1

            # Control: once the session profile is gone, the (wrong) environment variables are used.
            Remove-JelouCredential -Name 'default' -Scope Process -Confirm:$false -ErrorAction Stop
            Reset-FakeJelouApi $fake
            { Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con las variables' -BaseUri $fake.BaseUri -ErrorAction SilentlyContinue } |
                Should -Throw -ErrorId 'JelouBatchStopped,*'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }
    }

    Context 'named profiles' {
        It 'sends with -CredentialName prod, using the base URI stored in the profile' {
            Set-JelouCredential -Name 'prod' -Credential $fake.Credential -BaseUri $fake.BaseUri
            Reset-FakeJelouApi $fake

            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con el perfil prod' -CredentialName 'prod' -ErrorAction Stop

            @($result).Count | Should -Be 1
            $result.Status | Should -Be 'Sent'
            $ledger = Get-FakeLedger $fake
            @($ledger.entries).Count | Should -Be 1
            ($ledger.entries[0].body | ConvertFrom-Json).text | Should -BeExactly 'Con el perfil prod'
        }

        It 'fails with a terminating error that names a missing profile, even when the JELOU_* variables are set' {
            $env:JELOU_CLIENT_ID = $clientId
            $env:JELOU_CLIENT_SECRET = $secret
            try {
                Reset-FakeJelouApi $fake
                $thrown = { Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Perfil inexistente' -CredentialName 'perfil-inexistente' -BaseUri $fake.BaseUri -ErrorAction SilentlyContinue } |
                    Should -Throw -ErrorId 'JelouCredentialNotFound,*' -PassThru

                $thrown.Exception.Message | Should -BeLike "*'perfil-inexistente'*"
                [string]$thrown.CategoryInfo.Category | Should -Be 'ObjectNotFound'
                (Get-FakeLedger $fake).totalRequests | Should -Be 0
            }
            finally {
                Remove-Item -LiteralPath 'Env:JELOU_CLIENT_ID', 'Env:JELOU_CLIENT_SECRET' -ErrorAction SilentlyContinue
            }
        }
    }

    Context 'redaction in every stream' {
        It 'a wrong secret (401 stops the batch): no Verbose, Debug, error record, exception or result shows it' {
            $wrongCredential = New-TestCredential $clientId $wrongSecret
            Reset-FakeJelouApi $fake
            $DebugPreference = 'Continue'

            $captured = [System.Collections.Generic.List[object]]::new()
            $caught = $null
            $errs = $null
            try {
                Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Con secreto equivocado' -Credential $wrongCredential -BaseUri $fake.BaseUri -Verbose -ErrorAction Continue -ErrorVariable errs *>&1 |
                    ForEach-Object { $captured.Add($_) }
            }
            catch {
                $caught = $_
            }

            $caught | Should -Not -BeNullOrEmpty -Because 'a 401 stops the batch'
            $caught.FullyQualifiedErrorId | Should -BeLike 'JelouBatchStopped,*'
            @($captured | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
            $results = @($captured | Where-Object { $_.PSObject.TypeNames -contains 'Jelou.Results.JelouBotMessageResult' })
            $results.Count | Should -Be 1
            $results[0].Status | Should -Be 'Failed'
            $results[0].HttpStatus | Should -Be 401
            @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'JelouAuthenticationFailed*' }).Count | Should -Be 1

            $everything = @($captured) + @($errs) + @($caught)
            Assert-NothingRevealed -Text (ConvertTo-ShownText $everything) -Where 'the output of a send with a wrong secret'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }

        It 'an error body that echoes the Authorization header and the secret is shown redacted' {
            Reset-FakeJelouApi $fake
            $echo = 'Authorization: Basic {0}; client_secret={1}' -f $basicToken, $secret
            Add-FakeResponse $fake @(
                @{ status = 400; body = @{ message = $echo; code = 'E0400' } }
                @{ status = 400; body = ($echo + ' (raw) ' + $secret); headers = @{ 'Content-Type' = 'text/plain' } }
            )
            $rows = @(
                [pscustomobject]@{ userId = '593999000701'; text = 'Eco en JSON' }
                [pscustomobject]@{ userId = '593999000702'; text = 'Eco en texto' }
            )
            $DebugPreference = 'Continue'

            $captured = [System.Collections.Generic.List[object]]::new()
            $caught = $null
            $errs = $null
            try {
                $rows |
                    Send-JelouBotMessage -BotId 'bot1' -Credential $fake.Credential -BaseUri $fake.BaseUri -ThrottleLimit 1 -Verbose -ErrorAction Continue -ErrorVariable errs *>&1 |
                    ForEach-Object { $captured.Add($_) }
            }
            catch {
                $caught = $_
            }

            $caught | Should -BeNullOrEmpty -Because 'a 400 fails only its own row'
            $results = @($captured | Where-Object { $_.PSObject.TypeNames -contains 'Jelou.Results.JelouBotMessageResult' })
            $results.Count | Should -Be 2
            foreach ($result in $results) {
                $result.Status | Should -Be 'Failed'
                $result.HttpStatus | Should -Be 400
                # The server's text does reach the user (so this test is not vacuous), with the secrets masked.
                [string]$result.Error | Should -BeLike '*client_secret=*'
            }

            @($errs).Count | Should -Be 2
            $everything = @($captured) + @($errs)
            Assert-NothingRevealed -Text (ConvertTo-ShownText $everything) -Where 'the output of a send whose error body echoes the secret'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }

        It 'a Start-Transcript file of -Verbose sends contains neither the secret nor its Basic token' {
            $transcriptPath = Join-Path $TestDrive 'transcript.txt'
            $wrongCredential = New-TestCredential $clientId $wrongSecret
            $echo = 'Authorization: Basic {0}; client_secret={1}' -f $basicToken, $secret
            Reset-FakeJelouApi $fake
            Add-FakeResponse $fake @{ status = 400; body = @{ message = $echo } }

            try {
                $null = Start-Transcript -LiteralPath $transcriptPath -Force -ErrorAction Stop
            }
            catch {
                Set-ItResult -Skipped -Because "this host cannot write a transcript: $($_.Exception.Message)"
                return
            }

            try {
                $DebugPreference = 'Continue'

                # A 400 whose body echoes the secret, shown as a user would look at it.
                $errs = $null
                Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Transcript uno' -Credential $fake.Credential -BaseUri $fake.BaseUri -Verbose -ErrorAction SilentlyContinue -ErrorVariable errs |
                    Format-List -Property * | Out-Host
                foreach ($record in @($errs)) {
                    $record | Format-List -Property * -Force | Out-Host
                    $record.Exception.ToString() | Out-Host
                }

                # A send that works.
                Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Transcript dos' -Credential $fake.Credential -BaseUri $fake.BaseUri -Verbose -ErrorAction Continue |
                    Format-List -Property * | Out-Host

                # A wrong secret: the 401 is shown, then the batch stops.
                try {
                    Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Transcript tres' -Credential $wrongCredential -BaseUri $fake.BaseUri -Verbose -ErrorAction Continue |
                        Format-List -Property * | Out-Host
                }
                catch {
                    $_ | Format-List -Property * -Force | Out-Host
                    $_.Exception.ToString() | Out-Host
                }
            }
            finally {
                $null = Stop-Transcript
            }

            $text = [System.IO.File]::ReadAllText($transcriptPath)
            $text.Contains('Transcript dos') | Should -BeTrue -Because 'the results were written to the host, and so to the transcript'
            $text.Contains($clientId) | Should -BeTrue -Because 'the Verbose lines, which name the client id, were transcribed'
            Assert-NothingRevealed -Text $text -Where 'the transcript'
        }
    }

    Context 'Test-JelouCredential' {
        It 'reports Valid with HTTP 200 for the right credential, and no message reaches the ledger' {
            Reset-FakeJelouApi $fake

            $tested = @(Test-JelouCredential -BotId 'bot1' -Credential $fake.Credential -BaseUri $fake.BaseUri)

            $tested.Count | Should -Be 1
            $tested[0].Valid | Should -BeTrue
            $tested[0].HttpStatus | Should -Be 200
            $tested[0].ClientId | Should -Be $clientId
            $tested[0].BotId | Should -Be 'bot1'
            $tested[0].ErrorId | Should -BeNullOrEmpty
            $ledger = Get-FakeLedger $fake -Attempts
            @($ledger.entries).Count | Should -Be 0 -Because 'the check lists templates and sends no message'
            @($ledger.attempts | Where-Object { $_.endpoint -eq 'templates' -and [int]$_.status -eq 200 }).Count | Should -Be 1
            Assert-NothingRevealed -Text (ConvertTo-ShownText $tested) -Where 'the Test-JelouCredential result'
        }

        It 'reports Valid $false with JelouAuthenticationFailed for a wrong secret' {
            $wrongCredential = New-TestCredential $clientId $wrongSecret
            Reset-FakeJelouApi $fake

            $tested = @(Test-JelouCredential -BotId 'bot1' -Credential $wrongCredential -BaseUri $fake.BaseUri)

            $tested.Count | Should -Be 1
            $tested[0].Valid | Should -BeFalse
            $tested[0].HttpStatus | Should -Be 401
            $tested[0].ErrorId | Should -Be 'JelouAuthenticationFailed'
            $tested[0].Error | Should -Not -BeNullOrEmpty
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
            Assert-NothingRevealed -Text (ConvertTo-ShownText $tested) -Where 'the Test-JelouCredential result for a wrong secret'
        }

        It '-Quiet returns a single [bool]: $true for the right credential, $false for a wrong one' {
            $wrongCredential = New-TestCredential $clientId $wrongSecret

            $right = @(Test-JelouCredential -BotId 'bot1' -Credential $fake.Credential -BaseUri $fake.BaseUri -Quiet)
            $wrong = @(Test-JelouCredential -BotId 'bot1' -Credential $wrongCredential -BaseUri $fake.BaseUri -Quiet)

            $right.Count | Should -Be 1
            $right[0] | Should -BeOfType ([bool])
            $right[0] | Should -BeTrue
            $wrong.Count | Should -Be 1
            $wrong[0] | Should -BeOfType ([bool])
            $wrong[0] | Should -BeFalse
        }
    }

    Context '-Vault' {
        It 'fails with a terminating error that names SecretManagement when that module is not installed, and stores nothing' {
            if (Get-Module -ListAvailable -Name 'Microsoft.PowerShell.SecretManagement') {
                Set-ItResult -Skipped -Because 'Microsoft.PowerShell.SecretManagement is installed on this machine'
                return
            }

            $thrown = { Set-JelouCredential -Name 'boveda' -Credential $fake.Credential -Vault 'BovedaDePrueba' } | Should -Throw -PassThru

            $thrown.FullyQualifiedErrorId | Should -BeLike 'JelouCredentialStoreUnavailable,*'
            $thrown.Exception.Message | Should -Match 'SecretManagement'
            @(Get-JelouCredential -Name 'boveda' -Scope Process -ErrorAction SilentlyContinue).Count | Should -Be 0
            Assert-NothingRevealed -Text (ConvertTo-ShownText @($thrown)) -Where 'the -Vault error'
        }
    }
}

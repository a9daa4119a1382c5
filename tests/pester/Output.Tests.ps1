#Requires -Version 5.1
# What a person reads: the default table and list views of the send results rendered by PowerShell itself at 80 and
# 120 columns (Out-String -Width), the Row property, Get-JelouCredential's table, the text of
# Set-JelouRequestContext -WhatIf in a real console process, and the sentences of error messages.

Describe 'Output a person reads' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $modulePath = Get-JelouModulePath
        Import-Module $modulePath -Force
        Set-JelouRequestContext -Reset
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }

        # A server message longer than the old 60-character cut, so a view that still cuts there shows less of it.
        $serverMessage = 'The field text must not contain links to other domains, remove the link'

        # Three bot rows, one per outcome: row 1 is refused by the server (400 with a G4 body), row 2 is sent,
        # row 3 has neither recipient nor content and is skipped. Returned in completion order.
        function Send-ThreeRows {
            Reset-FakeJelouApi $fake
            Add-FakeResponse $fake @{
                status = 400
                body   = @{ message = @($serverMessage); statusMessage = 'failed'; status = 0; error = @{ code = 'E0422'; key = 'VALIDATOR_ERROR'; description = 'Validation' } }
            }
            $rows = @(
                [pscustomobject]@{ userId = '593999000001'; text = 'Uno' }
                [pscustomobject]@{ userId = '593999000002'; text = 'Dos' }
                [pscustomobject]@{ userId = ''; text = '' }
            )
            @($rows | Send-JelouBotMessage -BotId 'bot1' @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue)
        }

        # The lines of a rendering, without the blank ones.
        function Get-Lines {
            param([Parameter(Mandatory = $true)] [AllowEmptyString()] [string] $Text)
            @($Text -split '\r?\n' | Where-Object { $_.Trim() -ne '' })
        }

        # Asserts that a table rendering has its header on one line, directly underlined, and every line fits the
        # width; returns the header line.
        function Assert-TableFits {
            param([string[]] $Lines, [int] $Width, [string] $Where)
            $headerIndex = -1
            for ($i = 0; $i -lt $Lines.Count; $i++) {
                if ($Lines[$i] -match '^\s*Row\s+Status\b') {
                    $headerIndex = $i
                    break
                }
            }

            $headerIndex | Should -BeGreaterOrEqual 0 -Because "$Where has a header line"
            $header = $Lines[$headerIndex]
            $header | Should -Match '\bError\s*$' -Because "$Where shows the whole word Error as the last header: '$header'"
            $Lines[$headerIndex + 1] | Should -Match '^[\s-]+$' -Because "$Where has no wrapped header line between the header and its underline"
            foreach ($line in $Lines) {
                $line.Length | Should -BeLessOrEqual $Width -Because "$Where fits $Width columns: '$line'"
            }

            $header
        }

        # The text of the Error column in a row line, from where the header's Error label starts.
        function Get-ErrorCell {
            param([string] $Header, [string] $Line)
            $start = $Header.LastIndexOf('Error')
            if ($Line.Length -le $start) {
                return ''
            }

            $Line.Substring($start).TrimEnd()
        }
    }

    AfterAll {
        Set-JelouRequestContext -Reset
        Stop-FakeJelouApi $fake
    }

    Context 'the default table of bot results' {
        BeforeAll {
            $results = Send-ThreeRows
        }

        It 'fits 80 columns with an unwrapped Error header, and shows the start of each specific error' {
            $lines = Get-Lines ($results | Sort-Object Row | Out-String -Width 80)
            $header = Assert-TableFits -Lines $lines -Width 80 -Where 'the table at 80 columns'

            $failed = @($lines | Where-Object { $_ -match '593999000001' })
            $failed.Count | Should -Be 1
            $failed[0] | Should -Match '\bFailed\b'
            $cell = Get-ErrorCell $header $failed[0]
            $cell.Length | Should -BeGreaterOrEqual 25 -Because "the Error column must have room to be read at 80 columns: '$cell'"
            $serverMessage | Should -BeLike ($cell.TrimEnd([char]0x2026) + '*') -Because 'the failed row shows the start of the server''s message, not boilerplate'

            $skipped = @($lines | Where-Object { $_ -match '\bSkipped\b' })
            $skipped.Count | Should -Be 1
            Get-ErrorCell $header $skipped[0] | Should -Match '^userId: is empty' -Because 'the skipped row shows which field is wrong'

            $sent = @($lines | Where-Object { $_ -match '593999000002' })
            $sent.Count | Should -Be 1
            $sent[0] | Should -Match '\bSent\b'
        }

        It 'uses the width at 120 columns: more of the error than the old 60-character cut' {
            $lines = Get-Lines ($results | Sort-Object Row | Out-String -Width 120)
            $header = Assert-TableFits -Lines $lines -Width 120 -Where 'the table at 120 columns'

            $failed = @($lines | Where-Object { $_ -match '593999000001' })
            $cell = Get-ErrorCell $header $failed[0]
            $cell | Should -BeLike ($serverMessage + '*') -Because 'the whole server message is visible at 120 columns'
            $cell.Length | Should -BeGreaterThan 62
        }

        It 'keeps the full text in the Error property' {
            $failed = $results | Where-Object Row -EQ 1
            $failed.Error | Should -BeLike "$serverMessage*"
            $failed.Error | Should -Match '400'
            $failed.Error.Length | Should -BeGreaterThan $serverMessage.Length
        }
    }

    Context 'the default table of room results' {
        It 'fits 80 columns and shows the start of the error' {
            Reset-FakeJelouApi $fake
            $rows = @(
                [pscustomobject]@{ roomId = 'G:bot1:ref-0001'; senderId = 'bot1'; text = 'Hola' }
                [pscustomobject]@{ roomId = 'G:bot1:ref-0002'; senderId = 'bot1'; text = '' }
            )
            $results = @($rows | Send-JelouRoomMessage @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue)
            foreach ($width in 80, 120) {
                $lines = Get-Lines ($results | Sort-Object Row | Out-String -Width $width)
                $header = Assert-TableFits -Lines $lines -Width $width -Where "the room table at $width columns"
                $skipped = @($lines | Where-Object { $_ -match '\bSkipped\b' })
                $skipped.Count | Should -Be 1
                Get-ErrorCell $header $skipped[0] | Should -Match '^messages: is empty' -Because "the skipped room row shows its problem at $width columns"
                @($lines | Where-Object { $_ -match '\bSent\b' -and $_ -match 'G:bot1:ref-0001' }).Count | Should -Be 1
            }
        }
    }

    Context 'the format file' {
        It 'names only properties that the selected types have' {
            [xml] $format = Get-Content -LiteralPath (Join-Path (Split-Path -Parent $modulePath) 'Jelou.Format.ps1xml') -Raw
            $views = @($format.Configuration.ViewDefinitions.View)
            $views.Count | Should -BeGreaterThan 0
            foreach ($view in $views) {
                $names = @($view.SelectNodes('.//PropertyName') | ForEach-Object { $_.InnerText })
                $names.Count | Should -BeGreaterThan 0
                foreach ($typeName in @($view.ViewSelectedBy.TypeName)) {
                    # The module's assemblies may load outside the default context, where -as [type] does not look.
                    $type = [System.AppDomain]::CurrentDomain.GetAssemblies() |
                        ForEach-Object { $_.GetType($typeName, $false) } |
                        Where-Object { $null -ne $_ } |
                        Select-Object -First 1
                    $type | Should -Not -BeNullOrEmpty -Because "view $($view.Name) selects $typeName"
                    foreach ($name in $names) {
                        $type.GetProperty($name) | Should -Not -BeNullOrEmpty -Because "view $($view.Name) shows $name of $typeName"
                    }
                }
            }
        }
    }

    Context 'the Row property' {
        It 'is the name of both the table header and the property, so Sort-Object Row restores the input order' {
            $results = Send-ThreeRows
            $results[0].PSObject.Properties.Name | Should -Contain 'Row'
            $results[0].PSObject.Properties.Name | Should -Not -Contain 'Position'
            (@($results | Sort-Object Row) | ForEach-Object { $_.Row }) -join ',' | Should -Be '1,2,3'
            ($results | Where-Object Row -EQ 3).Status | Should -Be 'Skipped'
            $columns = @((($results | ConvertTo-Csv -NoTypeInformation)[0] -split ',') | ForEach-Object { $_.Trim('"') })
            $columns | Should -Contain 'Row' -Because 'a CSV report has the Row column'
            $columns | Should -Not -Contain 'Position'
        }

        It 'is on room results too' {
            Reset-FakeJelouApi $fake
            $result = Send-JelouRoomMessage -RoomId 'G:bot1:ref-0003' -SenderId 'bot1' -Text 'Hola' @conn -ErrorAction Stop
            $result.Row | Should -Be 1
            $result.PSObject.Properties.Name | Should -Not -Contain 'Position'
        }
    }

    Context 'the default list views' {
        It 'show the bot and the recipient of a bot result' {
            Reset-FakeJelouApi $fake
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId '593999000009' -Text 'Hola' @conn -ErrorAction Stop
            $text = $result | Format-List | Out-String -Width 120
            foreach ($name in 'Row', 'Status', 'BotId', 'UserId', 'Type', 'Text', 'MessageId', 'Error', 'InputObject') {
                $text | Should -Match "(?m)^$name\s+:" -Because "the list view shows $name"
            }

            $text | Should -Match '(?m)^BotId\s+: bot1\s*$'
            $text | Should -Match '(?m)^UserId\s+: 593999000009\s*$'
            $text | Should -Match ('(?m)^MessageId\s+: ' + [regex]::Escape($result.MessageId))
        }

        It 'show the room, the sender and the message ids of a room result' {
            Reset-FakeJelouApi $fake
            $result = Send-JelouRoomMessage -RoomId 'G:bot1:ref-0004' -SenderId 'bot1' -Text 'Uno', 'Dos' @conn -ErrorAction Stop
            $text = $result | Format-List | Out-String -Width 200
            $text | Should -Match '(?m)^RoomId\s+: G:bot1:ref-0004\s*$'
            $text | Should -Match '(?m)^SenderId\s+: bot1\s*$'
            $text | Should -Match '(?m)^MessageCount\s+: 2\s*$'
            $text | Should -Match ('(?m)^MessageIds\s+: .*' + [regex]::Escape([string]$result.MessageIds[0]))
            $text | Should -Not -Match '(?m)^(BotId|UserId)\s+:' -Because 'a room result has no bot or recipient'
        }
    }

    Context 'Get-JelouCredential' {
        BeforeAll {
            $savedBaseUri = $env:JELOU_BASE_URI
            Remove-Item -LiteralPath 'Env:JELOU_BASE_URI' -ErrorAction SilentlyContinue
            $savedConfigHome = $env:XDG_CONFIG_HOME
            $env:XDG_CONFIG_HOME = [System.IO.Path]::GetFullPath((Join-Path $TestDrive 'out-config'))
            $secret = ConvertTo-SecureString 'out-secret-1' -AsPlainText -Force
            Set-JelouCredential -Name 'out-prod' -ClientId 'client-prod' -ClientSecret $secret -Scope Process
            Set-JelouCredential -Name 'out-sandbox' -ClientId 'client-sandbox' -ClientSecret $secret -BaseUri 'https://sandbox.example.com/' -Scope Process
        }

        AfterAll {
            Remove-JelouCredential -Name 'out-prod', 'out-sandbox' -Scope Process -Confirm:$false -ErrorAction SilentlyContinue
            $env:XDG_CONFIG_HOME = $savedConfigHome
            if ($null -ne $savedBaseUri) {
                $env:JELOU_BASE_URI = $savedBaseUri
            }
        }

        It 'shows several profiles as a table, with the base URI requests go to' {
            $profiles = @(Get-JelouCredential -Name 'out-*')
            $profiles.Count | Should -Be 2
            ($profiles | Where-Object Name -EQ 'out-prod').BaseUri | Should -Be 'https://api.jelou.ai/'

            $lines = Get-Lines ($profiles | Out-String -Width 120)
            $lines[0] | Should -Match '^Name\s+.*\bClientId\b.*\bBaseUri\b' -Because "the first line is a table header, not a list entry: '$($lines[0])'"
            $lines[1] | Should -Match '^[\s-]+$'
            $prod = @($lines | Where-Object { $_ -match '^out-prod\b' })
            $prod.Count | Should -Be 1
            $prod[0] | Should -Match 'client-prod'
            $prod[0] | Should -Match ([regex]::Escape('https://api.jelou.ai/')) -Because 'the default API is shown, not a blank'
            @($lines | Where-Object { $_ -match '^out-sandbox\b.*https://sandbox\.example\.com/' }).Count | Should -Be 1
        }

        It 'shows JELOU_BASE_URI for a profile without a base URI of its own, as the sends would use it' {
            try {
                $env:JELOU_BASE_URI = 'https://env.example.com/'
                (Get-JelouCredential -Name 'out-prod').BaseUri | Should -Be 'https://env.example.com/'
                (Get-JelouCredential -Name 'out-sandbox').BaseUri | Should -Be 'https://sandbox.example.com/' -Because 'a profile''s own base URI comes before the variable'
            }
            finally {
                Remove-Item -LiteralPath 'Env:JELOU_BASE_URI' -ErrorAction SilentlyContinue
            }
        }

        It 'piped back into Set-JelouCredential, a profile keeps following its fallback and keeps its own base URI' {
            $newSecret = ConvertTo-SecureString 'out-secret-2' -AsPlainText -Force
            Get-JelouCredential -Name 'out-*' | Set-JelouCredential -ClientSecret $newSecret -Scope Process
            try {
                $env:JELOU_BASE_URI = 'https://env.example.com/'
                (Get-JelouCredential -Name 'out-prod').BaseUri | Should -Be 'https://env.example.com/' -Because 'the listing showed production only as the fallback; it must not be stored as the profile''s own'
                (Get-JelouCredential -Name 'out-sandbox').BaseUri | Should -Be 'https://sandbox.example.com/'
            }
            finally {
                Remove-Item -LiteralPath 'Env:JELOU_BASE_URI' -ErrorAction SilentlyContinue
            }

            Set-JelouCredential -Name 'out-prod' -ClientId 'client-prod' -ClientSecret $newSecret -BaseUri 'https://api.jelou.ai/' -Scope Process
            $env:JELOU_BASE_URI = 'https://env.example.com/'
            try {
                (Get-JelouCredential -Name 'out-prod').BaseUri | Should -Be 'https://api.jelou.ai/' -Because '-BaseUri on the command line is stored even when it equals the fallback'
            }
            finally {
                Remove-Item -LiteralPath 'Env:JELOU_BASE_URI' -ErrorAction SilentlyContinue
                Set-JelouCredential -Name 'out-prod' -ClientId 'client-prod' -ClientSecret $secret -Scope Process
            }
        }

        It 'fits 80 columns with the name, client id and base URI readable' {
            $lines = Get-Lines (Get-JelouCredential -Name 'out-*' | Out-String -Width 80)
            $lines[0] | Should -Match '^Name\s+.*\bBaseUri\b'
            foreach ($line in $lines) {
                $line.Length | Should -BeLessOrEqual 80
            }

            @($lines | Where-Object { $_ -match '^out-prod\s.*client-prod\s.*https://api\.jelou\.ai/' }).Count | Should -Be 1
        }
    }

    Context 'Set-JelouRequestContext -WhatIf in a console' {
        It 'says in words what would change, and nothing else' {
            $script = Join-Path $TestDrive 'whatif.ps1'
            Set-Content -LiteralPath $script -Encoding UTF8 -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($modulePath -replace "'", "''")'
Set-JelouRequestContext -ThrottleLimit 1 -RateLimit 5 -WhatIf
Set-JelouRequestContext -RateLimit 2.5
Set-JelouRequestContext -RateLimit 0 -TimeoutSec 30 -WhatIf
Set-JelouRequestContext -Reset -WhatIf
"@
            $process = Start-PowerShellProcess -ScriptPath $script
            try {
                $stdout = $process.StandardOutput.ReadToEnd()
                $stderr = $process.StandardError.ReadToEnd()
                $process.WaitForExit(60000) | Should -BeTrue
            }
            finally {
                if (-not $process.HasExited) {
                    $process.Kill()
                }

                $process.Dispose()
            }

            $stderr | Should -BeNullOrEmpty
            $lines = @(Get-Lines $stdout)
            $lines.Count | Should -Be 3 -Because "each -WhatIf writes one line: $stdout"
            $stdout | Should -Not -Match 'RequestDefaults|\{|= ,' -Because 'no internal dump'
            $lines[0] | Should -Match '^What if: '
            $lines[0] | Should -Match 'ThrottleLimit .*8.*\b1\b' -Because 'it names the old and the new value'
            $lines[0] | Should -Match 'RateLimit .*no limit.*5 messages per second'
            $lines[0] | Should -Not -Match 'TimeoutSec|MaximumRetryCount|Proxy' -Because 'only what changes is named'
            $lines[1] | Should -Match 'RateLimit .*2\.5 messages per second.*no limit'
            $lines[1] | Should -Not -Match 'TimeoutSec' -Because 'TimeoutSec is already 30'
            $lines[2] | Should -Match 'RateLimit .*2\.5 messages per second.*no limit'
        }
    }

    Context 'error text' {
        It 'ends the server''s message with a stop before our hint' {
            Reset-FakeJelouApi $fake
            Add-FakeResponse $fake @{ status = 401; body = @{ message = 'invalid credentials' } }
            $collected = [System.Collections.Generic.List[object]]::new()
            $caught = $null
            try {
                Send-JelouBotMessage -BotId 'bot1' -UserId '593999000010' -Text 'Hola' @conn -ErrorAction SilentlyContinue | ForEach-Object { $collected.Add($_) }
            }
            catch {
                $caught = $_
            }

            $caught | Should -Not -BeNullOrEmpty
            $collected.Count | Should -Be 1
            $collected[0].Error | Should -Match '^invalid credentials\. '
            $collected[0].Error | Should -Match '\. Check the client id and secret'
            $collected[0].Error | Should -Not -Match 'credentials Check'
        }

        It 'joins several problems of a row as sentences, never with ".; "' {
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId '' -Text '' @conn -ErrorAction SilentlyContinue
            $result.Status | Should -Be 'Skipped'
            $result.Error | Should -Not -Match '\.;'
            $result.Error | Should -Match "no '\+'\)\. type: no message content"
        }

        It 'suggests -ThrottleLimit after a 429 only when it can still be lowered' {
            foreach ($case in @(@{ Throttle = 1; Expected = $false }, @{ Throttle = 2; Expected = $true })) {
                Reset-FakeJelouApi $fake
                Add-FakeResponse $fake @{ status = 429; headers = @{ 'Retry-After' = '0' } }
                $errs = $null
                $result = Send-JelouBotMessage -BotId 'bot1' -UserId '593999000011' -Text 'Hola' @conn -ThrottleLimit $case.Throttle -MaximumRetryCount 0 -ErrorAction SilentlyContinue -ErrorVariable errs
                $result.Status | Should -Be 'Failed'
                $result.ErrorId | Should -Be 'JelouRateLimited'
                $result.Error | Should -Match '-RateLimit'
                if ($case.Expected) {
                    $result.Error | Should -Match '-ThrottleLimit' -Because 'with 2 in flight there is room to lower it'
                }
                else {
                    $result.Error | Should -Not -Match '-ThrottleLimit' -Because '-ThrottleLimit is already 1'
                    $errs[0].ToString() | Should -Not -Match '-ThrottleLimit'
                }
            }
        }

        It 'names -RoomMessage, not the -Message alias of -Text, when a room message has no content' {
            $result = Send-JelouRoomMessage -RoomId 'r1' -SenderId 's' @conn -ErrorAction SilentlyContinue
            $result.Status | Should -Be 'Skipped'
            $result.Error | Should -Match '-RoomMessage'
            $result.Error | Should -Not -Match '-Message\b'
        }
    }
}

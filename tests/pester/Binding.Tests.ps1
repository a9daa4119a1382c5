#Requires -Version 5.1
# Binding and re-sending (issue 17, items 9 to 14): script blocks given to object parameters run once per row,
# a result piped back in sends the same message again, -TotalCount 0, hashtables piped in, help for the hidden
# -InputObject, and contact cards written the short way.

Describe 'Binding and re-sending' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }
        $room = 'G:bot1:ref-017'

        # The bodies the fake accepted, oldest first, as the JSON text received and parsed.
        function Get-Bodies {
            @((Get-FakeLedger $fake).entries | Sort-Object -Property sequence | ForEach-Object {
                    [pscustomobject]@{ UserId = $_.userId; Json = $_.body; Body = ($_.body | ConvertFrom-Json) }
                })
        }

        $rows = @(
            [pscustomobject]@{ telefono = '593990017001'; nombre = 'Ana Pérez'; ops = 'Sí;No'; tel = '593990017101' }
            [pscustomobject]@{ telefono = '593990017002'; nombre = 'José Núñez'; ops = 'Mañana;Tarde;Noche'; tel = '593990017102' }
        )
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    Context 'script blocks given to object parameters (item 9)' {
        It 'runs an -Option script block once per row instead of sending its source text' {
            Reset-FakeJelouApi $fake
            $results = @($rows | Send-JelouBotMessage -BotId bot1 -UserId { $_.telefono } -Text 'Elija' -Option { $_.ops -split ';' } @conn -ErrorAction Stop)

            @($results | Where-Object Status -eq Sent).Count | Should -Be 2
            $bodies = Get-Bodies
            $bodies.Count | Should -Be 2
            (@($bodies | Where-Object UserId -eq '593990017001')[0].Body.options.title) -join '|' | Should -BeExactly 'Sí|No'
            (@($bodies | Where-Object UserId -eq '593990017002')[0].Body.options.title) -join '|' | Should -BeExactly 'Mañana|Tarde|Noche'
            ($bodies.Json -join "`n") | Should -Not -Match '\$_'
        }

        It 'runs a script block inside an -Option hashtable per row' {
            Reset-FakeJelouApi $fake
            $null = $rows | Send-JelouBotMessage -BotId bot1 -UserId { $_.telefono } -Text 'Elija' -Option @{ id = 'a'; title = { $_.nombre.Split(' ')[0] } }, 'Otro' @conn -ErrorAction Stop

            $bodies = Get-Bodies
            (@($bodies | Where-Object UserId -eq '593990017001')[0].Body.options.title) -join '|' | Should -BeExactly 'Ana|Otro'
            (@($bodies | Where-Object UserId -eq '593990017002')[0].Body.options.title) -join '|' | Should -BeExactly 'José|Otro'
        }

        It 'runs a -Contact script block per row' {
            Reset-FakeJelouApi $fake
            $null = $rows | Send-JelouBotMessage -BotId bot1 -UserId { $_.telefono } -Contact { @{ name = @{ formatted_name = $_.nombre }; phones = @(@{ phone = '+' + $_.tel }) } } @conn -ErrorAction Stop

            $bodies = Get-Bodies
            $bodies.Count | Should -Be 2
            $ana = @($bodies | Where-Object UserId -eq '593990017001')[0].Body
            $ana.type | Should -Be 'contacts'
            $ana.contacts[0].name.formatted_name | Should -BeExactly 'Ana Pérez'
            $ana.contacts[0].phones[0].phone | Should -Be '+593990017101'
            @($bodies | Where-Object UserId -eq '593990017002')[0].Body.contacts[0].name.formatted_name | Should -BeExactly 'José Núñez'
        }

        It 'runs a -Payload script block per row' {
            Reset-FakeJelouApi $fake
            $null = $rows | Send-JelouBotMessage -BotId bot1 -UserId { $_.telefono } -Payload { @{ type = 'CAROUSEL'; text = "Ofertas para $($_.nombre)"; parameters = @{ cards = @() } } } @conn -ErrorAction Stop

            $bodies = Get-Bodies
            @($bodies | Where-Object UserId -eq '593990017001')[0].Body.text | Should -BeExactly 'Ofertas para Ana Pérez'
            @($bodies | Where-Object UserId -eq '593990017002')[0].Body.text | Should -BeExactly 'Ofertas para José Núñez'
        }

        It 'runs a -RoomMessage script block, and script blocks inside its hashtables, per row' {
            Reset-FakeJelouApi $fake
            $roomRows = @(
                [pscustomobject]@{ roomId = 'G:bot1:r1'; nombre = 'Ana' }
                [pscustomobject]@{ roomId = 'G:bot1:r2'; nombre = 'José' }
            )
            $null = $roomRows | Send-JelouRoomMessage -SenderId bot1 -RoomMessage { @{ type = 'TEXT'; text = "Hola $($_.nombre)" } }, @{ type = 'TEXT'; text = { "Chao $($_.nombre)" } } @conn -ErrorAction Stop

            $ledger = @((Get-FakeLedger $fake).entries)
            $ledger.Count | Should -Be 2
            $r2 = ($ledger | Where-Object roomId -eq 'G:bot1:r2').body | ConvertFrom-Json
            ($r2.messages.text) -join '|' | Should -BeExactly 'Hola José|Chao José'
        }

        It 'refuses a script block when there is no input row, naming the parameter, and sends nothing' {
            Reset-FakeJelouApi $fake
            $errs = $null
            $result = Send-JelouBotMessage -BotId bot1 -UserId 593990017001 -Text 'Elija' -Option { 'a', 'b' } @conn -ErrorAction SilentlyContinue -ErrorVariable errs

            $result.Status | Should -Be 'Skipped'
            $result.Error | Should -Match '-Option'
            $result.Error | Should -Match 'script block'
            $result.Error | Should -Match 'no (pipeline )?input'
            @($errs).Count | Should -Be 1
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }

        It 'refuses a script block inside a list given to <Parameter>, which PowerShell would send as source text' -ForEach @(
            @{ Parameter = '-QuickReply'; Command = 'Send-JelouBotMessage'; Arguments = @{ BotId = 'bot1'; UserId = '593990017001'; Text = 'x'; QuickReply = @('Sí', { $_.nombre }) } }
            @{ Parameter = '-Text'; Command = 'Send-JelouBotMessage'; Arguments = @{ BotId = 'bot1'; UserId = '593990017001'; Text = @('Hola', { $_.nombre }) } }
            @{ Parameter = '-Text'; Command = 'Send-JelouRoomMessage'; Arguments = @{ RoomId = 'G:bot1:r1'; SenderId = 'bot1'; Text = @('Hola', { $_.nombre }) } }
        ) {
            Reset-FakeJelouApi $fake
            # A parameter that cannot bind is a terminating error of the whole command, before any row is read.
            { $rows | & $Command @Arguments @conn -ErrorAction SilentlyContinue } | Should -Throw -ExpectedMessage "*$($Parameter.TrimStart('-'))*source text*"
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }

        It 'skips the row whose script block fails, saying which parameter it was' {
            Reset-FakeJelouApi $fake
            $results = @($rows | Send-JelouBotMessage -BotId bot1 -UserId { $_.telefono } -Text 'x' -Option { if ($_.nombre -like 'José*') { throw 'sin opciones' } 'Sí' } @conn -ErrorAction SilentlyContinue)

            ($results | Sort-Object Row | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Sent,Skipped'
            ($results | Where-Object Status -eq Skipped).Error | Should -Match '-Option.*sin opciones'
        }
    }

    Context 'a result piped back in sends the same message (item 10)' {
        It 'resends a <Case> sent with parameters exactly' -ForEach @(
            @{ Case = 'quick reply'; Parameters = @{ Text = '¿Confirma?'; Title = 'Cita'; QuickReply = 'Sí', 'No' } }
            @{ Case = 'options list'; Parameters = @{ Text = 'Elija'; ButtonText = 'Ver'; Option = @(@{ id = 'n'; title = 'Norte'; description = 'Av. 6' }, 'Sur') } }
            @{ Case = 'location'; Parameters = @{ Latitude = '-0.1807'; Longitude = '-78.4678' } }
            @{ Case = 'contact card'; Parameters = @{ Contact = @{ name = @{ formatted_name = 'Ana' }; phones = @(@{ phone = '+593999000001'; wa_id = '593999000001' }) } } }
            @{ Case = 'URL button'; Parameters = @{ Title = 'Pedido'; Text = 'Siga'; Caption = 'Tienda'; Url = 'https://example.com/p/1'; ButtonText = 'Seguir' } }
            @{ Case = 'call button'; Parameters = @{ Type = 'voice_call'; Header = 'Soporte'; Text = '¿Llamamos?'; ButtonText = 'Llamar' } }
            @{ Case = 'captioned image'; Parameters = @{ MediaUrl = 'https://example.com/a.jpg'; Caption = 'Foto' } }
            @{ Case = 'raw payload'; Parameters = @{ Payload = @{ type = 'CAROUSEL'; text = 'Ofertas'; parameters = @{ cards = @() } } } }
        ) {
            Reset-FakeJelouApi $fake
            $first = Send-JelouBotMessage -BotId bot1 -UserId 593990017001 @Parameters @conn -ErrorAction Stop
            $firstBody = (Get-Bodies)[0].Json

            Reset-FakeJelouApi $fake
            $again = $first | Send-JelouBotMessage @conn -ErrorAction Stop

            $again.Status | Should -Be 'Sent'
            $again.Type | Should -Be $first.Type
            $bodies = Get-Bodies
            $bodies.Count | Should -Be 1
            $bodies[0].Json | Should -BeExactly $firstBody
        }

        It 'resends the rows of a mail merge whose values came from script blocks' {
            Reset-FakeJelouApi $fake
            $report = @($rows | Send-JelouBotMessage -BotId bot1 -UserId { $_.telefono } -Text { "Hola $($_.nombre)" } -QuickReply { $_.ops -split ';' } @conn -ErrorAction Stop)
            $before = (Get-Bodies | Sort-Object UserId).Json

            Reset-FakeJelouApi $fake
            $again = @($report | Send-JelouBotMessage @conn -ErrorAction Stop)

            @($again | Where-Object Status -eq Sent).Count | Should -Be 2
            (Get-Bodies | Sort-Object UserId).Json | Should -BeExactly $before
            # The original row stays with the result, so the report can still be joined to the file.
            @($again | Sort-Object UserId)[0].InputObject.nombre | Should -BeExactly 'Ana Pérez'
        }

        It 'lets a parameter on the command line change what is resent' {
            Reset-FakeJelouApi $fake
            $first = Send-JelouBotMessage -BotId bot1 -UserId 593990017001 -Text '¿Confirma?' -QuickReply 'Sí', 'No' @conn -ErrorAction Stop

            Reset-FakeJelouApi $fake
            $null = $first | Send-JelouBotMessage -Text '¿Confirma la cita?' @conn -ErrorAction Stop

            $body = (Get-Bodies)[0].Body
            $body.text | Should -BeExactly '¿Confirma la cita?'
            ($body.quick_replies.title) -join '|' | Should -BeExactly 'Sí|No'
        }

        It 'resends a dry run for real' {
            Reset-FakeJelouApi $fake
            $dry = Send-JelouBotMessage -BotId bot1 -UserId 593990017001 -Latitude '-2.1894' -Longitude '-79.8891' @conn -WhatIf
            $dry.Status | Should -Be 'WhatIf'

            $sent = $dry | Send-JelouBotMessage @conn -ErrorAction Stop

            $sent.Status | Should -Be 'Sent'
            $body = (Get-Bodies)[0].Body
            $body.type | Should -Be 'location'
            $body.coordinates.lat | Should -Be -2.1894
        }

        It 'resends a room result with <Case> exactly, with the same message ids' -ForEach @(
            @{ Case = 'two texts'; Parameters = @{ Text = 'Hola', '¿En qué le ayudo?' } }
            @{ Case = 'a captioned image'; Parameters = @{ MediaUrl = 'https://example.com/menu.png'; Text = 'Menú' } }
            @{ Case = '-RoomMessage'; Parameters = @{ RoomMessage = @(@{ type = 'TEXT'; text = 'Uno' }, @{ type = 'DOCUMENT'; mediaUrl = 'https://example.com/f.pdf' }) } }
        ) {
            Reset-FakeJelouApi $fake
            $first = Send-JelouRoomMessage -RoomId $room -SenderId bot1 @Parameters @conn -ErrorAction Stop
            $firstBody = (Get-Bodies)[0].Json

            Reset-FakeJelouApi $fake
            $again = $first | Send-JelouRoomMessage @conn -ErrorAction Stop

            $again.Status | Should -Be 'Sent'
            $again.RoomId | Should -Be $room
            @($again.MessageIds) -join ',' | Should -Be (@($first.MessageIds) -join ',')
            (Get-Bodies)[0].Json | Should -BeExactly $firstBody
        }
    }

    Context '-TotalCount (item 11)' {
        It 'accepts -TotalCount 0, as $rows.Count of an empty CSV gives' {
            Reset-FakeJelouApi $fake
            $empty = @()
            $results = @($empty | Send-JelouBotMessage -BotId bot1 -TotalCount $empty.Count @conn -ErrorAction Stop)
            $results.Count | Should -Be 0

            $roomResults = @($empty | Send-JelouRoomMessage -RoomId $room -SenderId bot1 -TotalCount 0 @conn -ErrorAction Stop)
            $roomResults.Count | Should -Be 0
        }

        It 'still refuses a negative -TotalCount' {
            { Send-JelouBotMessage -BotId bot1 -UserId 593990017001 -Text x -TotalCount -1 @conn -WhatIf } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        }
    }

    Context 'hashtables piped in (item 12)' {
        It 'says that hashtable keys do not bind and suggests [pscustomobject]' {
            Reset-FakeJelouApi $fake
            $errs = $null
            $result = @{ userId = '593990017001'; text = 'Hola' } | Send-JelouBotMessage -BotId bot1 @conn -ErrorAction SilentlyContinue -ErrorVariable errs

            $result.Status | Should -Be 'Skipped'
            $result.ErrorId | Should -Be 'JelouInvalidInput'
            $result.Error | Should -Match 'hashtable'
            $result.Error | Should -Match '\[pscustomobject\]'
            $result.Error | Should -Match 'userId'
            $result.Error | Should -Not -Match 'no message content'
            @($errs).Count | Should -Be 1
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }

        It 'says the same for an ordered dictionary piped into Send-JelouRoomMessage' {
            $result = [ordered]@{ text = 'Hola' } | Send-JelouRoomMessage -RoomId $room -SenderId bot1 @conn -ErrorAction SilentlyContinue

            $result.Status | Should -Be 'Skipped'
            $result.Error | Should -Match '\[pscustomobject\]'
            $result.Error | Should -Match 'text'
        }

        It 'sends the same rows once they are [pscustomobject]' {
            Reset-FakeJelouApi $fake
            $result = @{ userId = '593990017001'; text = 'Hola' } | ForEach-Object { [pscustomobject]$_ } | Send-JelouBotMessage -BotId bot1 @conn -ErrorAction Stop
            $result.Status | Should -Be 'Sent'
        }

        It 'does not object to a hashtable whose keys the command line already gives' {
            Reset-FakeJelouApi $fake
            $result = @{ text = 'ignorado' } | Send-JelouBotMessage -BotId bot1 -UserId 593990017001 -Text 'Hola' @conn -ErrorAction Stop
            $result.Status | Should -Be 'Sent'
        }
    }

    Context 'contact cards written the short way (item 14)' {
        It 'accepts a plain string name and phone, deriving wa_id' {
            Reset-FakeJelouApi $fake
            $result = Send-JelouBotMessage -BotId bot1 -UserId 593990017001 -Contact @{ name = 'Ana'; phones = '593999000001' } @conn -ErrorAction Stop

            $result.Status | Should -Be 'Sent'
            $card = (Get-Bodies)[0].Body.contacts[0]
            $card.name.formatted_name | Should -BeExactly 'Ana'
            @($card.phones).Count | Should -Be 1
            $card.phones[0].phone | Should -Be '+593999000001'
            $card.phones[0].wa_id | Should -Be '593999000001'
        }

        It 'accepts a list of phones given as strings and numbers, and e-mails as strings' {
            Reset-FakeJelouApi $fake
            $null = Send-JelouBotMessage -BotId bot1 -UserId 593990017001 -Contact @{ name = 'Ana Pérez'; phones = '+593999000001', 593999000002; emails = 'ana@example.com' } @conn -ErrorAction Stop

            $card = (Get-Bodies)[0].Body.contacts[0]
            ($card.phones.phone) -join ',' | Should -Be '+593999000001,+593999000002'
            ($card.phones.wa_id) -join ',' | Should -Be '593999000001,593999000002'
            $card.emails[0].email | Should -Be 'ana@example.com'
        }

        It 'explains a wrong shape in words, with an example, instead of the converter text' -ForEach @(
            @{ Case = 'an unknown key'; Contact = @{ nombre = 'Ana' }; Expected = "'nombre'" }
            @{ Case = 'a phone as a hashtable with an unknown key'; Contact = @{ name = 'Ana'; phones = @{ numero = '593999000001' } }; Expected = "'numero'" }
            @{ Case = 'a name as a list'; Contact = @{ name = @('Ana', 'Pérez'); phones = '593999000001' }; Expected = 'name' }
        ) {
            Reset-FakeJelouApi $fake
            $result = Send-JelouBotMessage -BotId bot1 -UserId 593990017001 -Contact $Contact @conn -ErrorAction SilentlyContinue

            $result.Status | Should -Be 'Skipped'
            $result.Error | Should -Match ([regex]::Escape($Expected))
            $result.Error | Should -Match '@\{'
            $result.Error | Should -Not -Match 'JSON value could not be converted|Path: \$|BytePositionInLine'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }
    }
}

Describe 'Help for the hidden -InputObject (item 13)' {
    BeforeDiscovery {
        # The cmdlets with a hidden pipeline -InputObject, from the module itself, so a new one is covered.
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        $hiddenInput = @(Get-Command -Module Jelou -CommandType Cmdlet | Where-Object {
                $_.Parameters.ContainsKey('InputObject') -and @($_.Parameters['InputObject'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }).Count
            } | ForEach-Object Name)
        if ($hiddenInput.Count -eq 0) { throw 'No cmdlet of the module has a hidden -InputObject; this block would test nothing.' }
    }

    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $savedModulePath = Import-JelouModuleFromPath
    }

    AfterAll {
        $env:PSModulePath = $savedModulePath
    }

    It 'Get-Help <_> -Parameter InputObject describes it' -ForEach $hiddenInput {
        $parameter = Get-Help -Name $_ -Parameter InputObject
        $text = ($parameter.Description | Out-String).Trim()
        $text | Should -Not -BeNullOrEmpty
        $text | Should -Match 'pipeline'
        [string]$parameter.pipelineInput | Should -Match 'ByValue'
    }

    It 'does not show -InputObject in the syntax of <_>' -ForEach $hiddenInput {
        (Get-Help -Name $_).Syntax | Out-String | Should -Not -Match 'InputObject'
    }
}

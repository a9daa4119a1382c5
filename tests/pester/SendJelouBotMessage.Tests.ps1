#Requires -Version 5.1
# Send-JelouBotMessage against the fake Jelou API: every message type as it reaches the wire, -WhatIf, invalid
# input, server failures, batch stops and the missing-credential error.

Describe 'Send-JelouBotMessage' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $modulePath = Get-JelouModulePath
        Import-Module $modulePath -Force
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }
        $user = '593999000111'

        # Sends one message to bot1 with the given parameters (errors stop the test) and returns the result,
        # the ledger entry the fake recorded and that entry's body parsed from JSON.
        function Send-TestMessage {
            param([Parameter(Mandatory = $true)] [hashtable] $Parameters)

            Reset-FakeJelouApi $fake
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user @Parameters @conn -ErrorAction Stop
            $ledger = Get-FakeLedger $fake
            $entries = @($ledger.entries)
            $entry = $null
            $body = $null
            if ($entries.Count -gt 0) {
                $entry = $entries[0]
                $body = $entry.body | ConvertFrom-Json
            }

            [pscustomobject]@{
                Result = $result
                Count  = $entries.Count
                Entry  = $entry
                Body   = $body
            }
        }

        function ConvertTo-Hex {
            param([string] $Text)
            [System.BitConverter]::ToString([System.Text.Encoding]::UTF8.GetBytes($Text))
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    Context 'a text message' {
        It 'returns one Sent result with a MessageId at Row 1, and the fake receives the exact text' {
            $sent = Send-TestMessage @{ Text = 'Hola, su pedido está listo' }

            @($sent.Result).Count | Should -Be 1
            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.MessageId | Should -Not -BeNullOrEmpty
            $sent.Result.Row | Should -Be 1
            $sent.Result.Type | Should -Be 'text'
            $sent.Result.HttpStatus | Should -Be 200
            $sent.Result.BotId | Should -Be 'bot1'
            $sent.Result.UserId | Should -Be $user

            $sent.Count | Should -Be 1
            $sent.Entry.endpoint | Should -Be 'bot'
            $sent.Entry.botId | Should -Be 'bot1'
            $sent.Entry.userId | Should -Be $user
            $sent.Entry.messageId | Should -Be $sent.Result.MessageId
            $sent.Body.type | Should -Be 'text'
            $sent.Body.userId | Should -Be $user
            $sent.Body.text | Should -BeExactly 'Hola, su pedido está listo'
        }

        It 'delivers Spanish accents and emoji byte for byte' {
            $text = '¿Cómo está, señora Núñez? 🎉'
            $sent = Send-TestMessage @{ Text = $text }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Text | Should -BeExactly $text
            $sent.Body.text | Should -BeExactly $text
            ConvertTo-Hex $sent.Body.text | Should -Be (ConvertTo-Hex $text)
            $sent.Entry.contentType | Should -BeLike 'application/json*'
        }

        It 'accepts the bot, user and text positionally' {
            Reset-FakeJelouApi $fake
            $result = Send-JelouBotMessage 'bot1' $user 'Posicional' @conn -ErrorAction Stop
            $result.Status | Should -Be 'Sent'
            ((Get-FakeLedger $fake).entries[0].body | ConvertFrom-Json).text | Should -BeExactly 'Posicional'
        }
    }

    Context 'every message type, by parameters' {
        It 'sends -Option strings as a list (wire type text with options)' {
            $sent = Send-TestMessage @{ Text = 'Elige un plan'; Option = @('Básico', 'Premium') }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be 'options'
            $sent.Body.type | Should -Be 'text'
            $sent.Body.text | Should -BeExactly 'Elige un plan'
            @($sent.Body.options).Count | Should -Be 2
            $sent.Body.options[0].title | Should -BeExactly 'Básico'
            $sent.Body.options[1].title | Should -BeExactly 'Premium'
        }

        It 'sends -Option hashtables with id, title and description, plus -Title and -ButtonText' {
            $options = @(
                @{ id = 'basico'; title = 'Básico'; description = 'Lo esencial para empezar' }
                @{ id = 'premium'; title = 'Premium' }
            )
            $sent = Send-TestMessage @{ Text = 'Elige un plan'; Option = $options; Title = 'Planes'; ButtonText = 'Ver planes' }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Body.type | Should -Be 'text'
            $sent.Body.title | Should -BeExactly 'Planes'
            $sent.Body.buttonText.text | Should -BeExactly 'Ver planes'
            @($sent.Body.options).Count | Should -Be 2
            $sent.Body.options[0].id | Should -Be 'basico'
            $sent.Body.options[0].title | Should -BeExactly 'Básico'
            $sent.Body.options[0].description | Should -BeExactly 'Lo esencial para empezar'
            $sent.Body.options[1].id | Should -Be 'premium'
            $sent.Body.options[1].title | Should -BeExactly 'Premium'
        }

        It 'sends -QuickReply buttons as quick_reply' {
            $sent = Send-TestMessage @{ Text = '¿Confirmas tu cita?'; QuickReply = @('Sí', 'No') }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be 'quick_reply'
            $sent.Body.type | Should -Be 'quick_reply'
            $sent.Body.text | Should -BeExactly '¿Confirmas tu cita?'
            @($sent.Body.quick_replies).Count | Should -Be 2
            $sent.Body.quick_replies[0].title | Should -BeExactly 'Sí'
            $sent.Body.quick_replies[1].title | Should -BeExactly 'No'
        }

        It 'infers <Expected> from the extension of <Url>' -ForEach @(
            @{ Url = 'https://example.com/fotos/pedido.jpg'; Expected = 'image' }
            @{ Url = 'https://example.com/fotos/plano.png'; Expected = 'image' }
            @{ Url = 'https://example.com/videos/demo.mp4'; Expected = 'video' }
            @{ Url = 'https://example.com/audio/saludo.mp3'; Expected = 'audio' }
            @{ Url = 'https://example.com/stickers/hola.webp'; Expected = 'sticker' }
        ) {
            $sent = Send-TestMessage @{ MediaUrl = $Url }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be $Expected
            $sent.Body.type | Should -Be $Expected
            $sent.Body.mediaUrl | Should -Be $Url
        }

        It 'sends an image with a caption' {
            $sent = Send-TestMessage @{ MediaUrl = 'https://example.com/fotos/pedido.jpg'; Text = 'Tu pedido 🎁' }

            $sent.Body.type | Should -Be 'image'
            $sent.Body.mediaUrl | Should -Be 'https://example.com/fotos/pedido.jpg'
            $sent.Body.text | Should -BeExactly 'Tu pedido 🎁'
        }

        It 'sends a *.pdf with -FileName as a file' {
            $sent = Send-TestMessage @{ MediaUrl = 'https://example.com/facturas/F-001.pdf'; FileName = 'factura-001.pdf'; Text = 'Su factura' }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be 'file'
            $sent.Result.FileName | Should -Be 'factura-001.pdf'
            $sent.Body.type | Should -Be 'file'
            $sent.Body.mediaUrl | Should -Be 'https://example.com/facturas/F-001.pdf'
            $sent.Body.filename | Should -Be 'factura-001.pdf'
            $sent.Body.text | Should -BeExactly 'Su factura'
        }

        It 'sends -Type sticker' {
            $sent = Send-TestMessage @{ Type = 'sticker'; MediaUrl = 'https://example.com/stickers/gracias.webp' }

            $sent.Result.Type | Should -Be 'sticker'
            $sent.Body.type | Should -Be 'sticker'
            $sent.Body.mediaUrl | Should -Be 'https://example.com/stickers/gracias.webp'
        }

        It 'sends -Latitude/-Longitude as a location' {
            $sent = Send-TestMessage @{ Latitude = -0.180653; Longitude = -78.467834 }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be 'location'
            $sent.Body.type | Should -Be 'location'
            [Math]::Abs([double]$sent.Body.coordinates.lat - (-0.180653)) | Should -BeLessThan 0.000001
            [Math]::Abs([double]$sent.Body.coordinates.long - (-78.467834)) | Should -BeLessThan 0.000001
        }

        It 'sends -Type location_request' {
            $sent = Send-TestMessage @{ Type = 'location_request'; Text = 'Comparte tu ubicación, por favor' }

            $sent.Result.Type | Should -Be 'location_request'
            $sent.Body.type | Should -Be 'location_request'
            $sent.Body.text | Should -BeExactly 'Comparte tu ubicación, por favor'
        }

        It 'sends -Contact hashtables as contacts' {
            $contact = @{ name = @{ formatted_name = 'Ana' }; phones = @(@{ phone = '+593999999999' }) }
            $sent = Send-TestMessage @{ Contact = $contact }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be 'contacts'
            $sent.Body.type | Should -Be 'contacts'
            @($sent.Body.contacts).Count | Should -Be 1
            $sent.Body.contacts[0].name.formatted_name | Should -BeExactly 'Ana'
            @($sent.Body.contacts[0].phones).Count | Should -Be 1
            $sent.Body.contacts[0].phones[0].phone | Should -Be '+593999999999'
        }

        It 'sends -Url/-Title/-Text/-Caption/-ButtonText as cta_url' {
            $sent = Send-TestMessage @{
                Url        = 'https://example.com/pedidos/A-1001'
                Title      = 'Tu pedido'
                Text       = 'Consulta el estado de tu pedido'
                Caption    = 'Gracias por tu compra'
                ButtonText = 'Ver pedido'
            }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be 'cta_url'
            $sent.Body.type | Should -Be 'cta_url'
            $sent.Body.title | Should -BeExactly 'Tu pedido'
            $sent.Body.text | Should -BeExactly 'Consulta el estado de tu pedido'
            $sent.Body.caption | Should -BeExactly 'Gracias por tu compra'
            $sent.Body.parameters.url | Should -Be 'https://example.com/pedidos/A-1001'
            $sent.Body.parameters.display_text | Should -BeExactly 'Ver pedido'
        }

        It 'sends -Type voice_call with -ButtonText' {
            $sent = Send-TestMessage @{ Type = 'voice_call'; Text = 'Llámanos si tienes dudas'; ButtonText = 'Llamar ahora'; Header = 'Soporte' }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be 'voice_call'
            $sent.Body.type | Should -Be 'voice_call'
            $sent.Body.text | Should -BeExactly 'Llámanos si tienes dudas'
            $sent.Body.header | Should -BeExactly 'Soporte'
            $sent.Body.parameters.display_text | Should -BeExactly 'Llamar ahora'
        }

        It 'sends a raw -Payload with its own type, adding userId' {
            $payload = @{
                type     = 'CAROUSEL'
                elements = @(
                    @{ title = 'Plan Básico'; buttons = @(@{ type = 'postback'; title = 'Elegir'; payload = 'basico' }) }
                    @{ title = 'Plan Premium'; buttons = @(@{ type = 'postback'; title = 'Elegir'; payload = 'premium' }) }
                )
            }
            $sent = Send-TestMessage @{ Payload = $payload }

            $sent.Result.Status | Should -Be 'Sent'
            $sent.Result.Type | Should -Be 'CAROUSEL'
            $sent.Entry.type | Should -Be 'CAROUSEL'
            $sent.Body.type | Should -Be 'CAROUSEL'
            $sent.Body.userId | Should -Be $user
            @($sent.Body.elements).Count | Should -Be 2
            $sent.Body.elements[0].title | Should -BeExactly 'Plan Básico'
            $sent.Body.elements[1].buttons[0].payload | Should -Be 'premium'
        }
    }

    Context '-WhatIf' {
        It 'sends nothing and reports WhatIf' {
            Reset-FakeJelouApi $fake
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'No enviar' @conn -WhatIf

            @($result).Count | Should -Be 1
            $result.Status | Should -Be 'WhatIf'
            $result.Row | Should -Be 1
            $result.MessageId | Should -BeNullOrEmpty
            $ledger = Get-FakeLedger $fake
            @($ledger.entries).Count | Should -Be 0
            $ledger.totalRequests | Should -Be 0
        }
    }

    Context 'invalid input' {
        It 'skips a row with <Case>, writes a JelouInvalidInput error naming the row, and sends nothing' -ForEach @(
            @{ Case = 'an empty userId'; Row = @{ userId = ''; text = 'Hola' } }
            @{ Case = 'an http:// media URL'; Row = @{ userId = '593999000111'; mediaUrl = 'http://example.com/fotos/pedido.jpg' } }
            @{ Case = 'a 25-character option title'; Row = @{ userId = '593999000111'; text = 'Elige'; option = ('x' * 25) } }
        ) {
            Reset-FakeJelouApi $fake
            $inputRow = [pscustomobject]$Row
            $errs = $null
            $result = $inputRow | Send-JelouBotMessage -BotId 'bot1' @conn -ErrorAction SilentlyContinue -ErrorVariable errs

            @($result).Count | Should -Be 1
            $result.Status | Should -Be 'Skipped'
            $result.ErrorId | Should -Be 'JelouInvalidInput'
            $result.Error | Should -Not -BeNullOrEmpty
            $result.Row | Should -Be 1

            @($errs).Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'JelouInvalidInput*'
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $errs[0].TargetObject | Should -Not -BeNullOrEmpty
            $errs[0].TargetObject.userId | Should -Be $Row.userId
            $errs[0].TargetObject.PSObject.Properties.Name | Should -Be @($inputRow.PSObject.Properties.Name)

            (Get-FakeLedger $fake).totalRequests | Should -Be 0
        }

        It 'skips an empty -UserId given as a parameter' {
            Reset-FakeJelouApi $fake
            $errs = $null
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId '' -Text 'Hola' @conn -ErrorAction SilentlyContinue -ErrorVariable errs

            $result.Status | Should -Be 'Skipped'
            @($errs).Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'JelouInvalidInput,Jelou.PowerShell.Commands.SendJelouBotMessageCommand'
            (Get-FakeLedger $fake).totalRequests | Should -Be 0
        }

        It 'turns the skip into a terminating error with -ErrorAction Stop' {
            Reset-FakeJelouApi $fake
            { Send-JelouBotMessage -BotId 'bot1' -UserId $user -MediaUrl 'http://example.com/a.jpg' @conn -ErrorAction Stop } |
                Should -Throw -ErrorId 'JelouInvalidInput,*'
            (Get-FakeLedger $fake).totalRequests | Should -Be 0
        }
    }

    Context 'server failures' {
        It 'reports a 422 as Failed with an InvalidArgument error, without stopping' {
            Reset-FakeJelouApi $fake
            Add-FakeResponse $fake @{ status = 422 }
            $errs = $null
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Rechazado' @conn -ErrorAction SilentlyContinue -ErrorVariable errs

            @($result).Count | Should -Be 1
            $result.Status | Should -Be 'Failed'
            $result.HttpStatus | Should -Be 422
            $result.ErrorId | Should -Be 'JelouInvalidRequest'
            $result.PossiblyDelivered | Should -BeFalse
            @($errs).Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'JelouInvalidRequest*'
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }

        It 'reports a 500 as Unknown (possibly delivered), without retrying' {
            Reset-FakeJelouApi $fake
            Add-FakeResponse $fake @{ status = 500 }
            $errs = $null
            $result = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Quizá entregado' @conn -ErrorAction SilentlyContinue -ErrorVariable errs

            $result.Status | Should -Be 'Unknown'
            $result.HttpStatus | Should -Be 500
            $result.PossiblyDelivered | Should -BeTrue
            $result.Attempts | Should -Be 1
            @($errs).Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'JelouDeliveryUnknown*'
            $errs[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            (Get-FakeLedger $fake).totalRequests | Should -Be 1
        }

        It 'goes on with the next rows after a row fails' {
            Reset-FakeJelouApi $fake
            Add-FakeResponse $fake @{ status = 422 }
            $rows = @(
                [pscustomobject]@{ userId = '593999000201'; text = 'Uno' }
                [pscustomobject]@{ userId = '593999000202'; text = 'Dos' }
                [pscustomobject]@{ userId = '593999000203'; text = 'Tres' }
            )
            $errs = $null
            $results = @($rows | Send-JelouBotMessage -BotId 'bot1' @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue -ErrorVariable errs | Sort-Object Row)

            $results.Count | Should -Be 3
            $results[0].Status | Should -Be 'Failed'
            $results[1].Status | Should -Be 'Sent'
            $results[2].Status | Should -Be 'Sent'
            @($errs).Count | Should -Be 1
            @((Get-FakeLedger $fake).entries).Count | Should -Be 2
        }

        It 'stops the batch with JelouBatchStopped (ObjectNotFound) when the bot does not exist' {
            $strict = Start-FakeJelouApi -ArgumentList '--known-bot', 'bot1'
            try {
                $rows = @(
                    [pscustomobject]@{ userId = '593999000301'; text = 'Uno' }
                    [pscustomobject]@{ userId = '593999000302'; text = 'Dos' }
                    [pscustomobject]@{ userId = '593999000303'; text = 'Tres' }
                )
                $collected = [System.Collections.Generic.List[object]]::new()
                $caught = $null
                $errs = $null
                try {
                    $rows |
                        Send-JelouBotMessage -BotId 'no-such-bot' -BaseUri $strict.BaseUri -Credential $strict.Credential -ThrottleLimit 1 -ErrorAction SilentlyContinue -ErrorVariable errs |
                        ForEach-Object { $collected.Add($_) }
                }
                catch {
                    $caught = $_
                }

                $caught | Should -Not -BeNullOrEmpty -Because 'a 404 for the bot fails every row the same way'
                $caught.FullyQualifiedErrorId | Should -BeLike 'JelouBatchStopped*'
                $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'

                $collected.Count | Should -BeGreaterThan 0
                $collected[0].Row | Should -Be 1
                $collected[0].Status | Should -Be 'Failed'
                $collected[0].HttpStatus | Should -Be 404
                @($collected | Where-Object { $_.Status -eq 'Sent' }).Count | Should -Be 0

                $notFound = @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'JelouNotFound*' })
                $notFound.Count | Should -Be 1
                $notFound[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'

                $ledger = Get-FakeLedger $strict
                @($ledger.entries).Count | Should -Be 0
                $ledger.totalRequests | Should -Be 1
            }
            finally {
                Stop-FakeJelouApi $strict
            }
        }

        It 'stops the batch with JelouBatchStopped (ObjectNotFound) on an enqueued 404' {
            Reset-FakeJelouApi $fake
            Add-FakeResponse $fake @{ status = 404 }
            $caught = $null
            $errs = $null
            try {
                $null = Send-JelouBotMessage -BotId 'bot1' -UserId $user -Text 'Bot perdido' @conn -ErrorAction SilentlyContinue -ErrorVariable errs
            }
            catch {
                $caught = $_
            }

            $caught | Should -Not -BeNullOrEmpty
            $caught.FullyQualifiedErrorId | Should -BeLike 'JelouBatchStopped*'
            $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }
    }

    Context 'without any credential' {
        It 'fails with a terminating error that names Set-JelouCredential, and sends nothing' {
            Reset-FakeJelouApi $fake
            $configHome = Join-Path $TestDrive 'empty-config'
            $null = New-Item -ItemType Directory -Path $configHome -Force

            $output = @(Invoke-IsolatedScript -ArgumentList $modulePath, $fake.BaseUri, $configHome -ScriptBlock {
                    param($ModulePath, $BaseUri, $ConfigHome)
                    foreach ($variable in @(Get-ChildItem -Path 'Env:' | Where-Object { $_.Name -like 'JELOU_*' })) {
                        Remove-Item -LiteralPath ('Env:' + $variable.Name)
                    }

                    # No persisted profile either: point the per-user store at an empty folder.
                    $env:XDG_CONFIG_HOME = $ConfigHome
                    Import-Module $ModulePath -ErrorAction Stop
                    $written = [System.Collections.Generic.List[object]]::new()
                    $errs = $null
                    try {
                        Send-JelouBotMessage -BotId 'bot1' -UserId '593999000111' -Text 'Sin credencial' -BaseUri $BaseUri -ErrorAction SilentlyContinue -ErrorVariable errs |
                            ForEach-Object { $written.Add($_) }
                        [pscustomobject]@{ Terminating = $false; ErrorId = ''; Message = ''; NonTerminating = @($errs).Count; Results = $written.Count }
                    }
                    catch {
                        [pscustomobject]@{
                            Terminating    = $true
                            ErrorId        = [string]$_.FullyQualifiedErrorId
                            Message        = [string]$_.Exception.Message + ' ' + $_.ToString()
                            NonTerminating = @($errs).Count
                            Results        = $written.Count
                        }
                    }
                })

            $output.Count | Should -Be 1
            $output[0].Terminating | Should -BeTrue -Because 'a missing credential fails every row the same way'
            $output[0].Message | Should -Match 'Set-JelouCredential'
            $output[0].ErrorId | Should -BeLike '*Jelou.PowerShell.Commands.SendJelouBotMessageCommand'
            (Get-FakeLedger $fake).totalRequests | Should -Be 0
        }
    }
}

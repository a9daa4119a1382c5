#Requires -Version 5.1
# Send-JelouRoomMessage against the fake Jelou API: uppercase types with uuid ids, several messages in one
# request, media, mixed -RoomMessage, pipeline rows and -WhatIf.

Describe 'Send-JelouRoomMessage' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }
        $room = 'G:bot1:ref-001'
        $uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

        # The ledger entries, oldest first, each with its body parsed from JSON.
        function Get-RoomRequests {
            $ledger = Get-FakeLedger $fake
            $ledger.entries |
                Sort-Object -Property sequence |
                ForEach-Object {
                    [pscustomobject]@{ Entry = $_; Body = ($_.body | ConvertFrom-Json) }
                }
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    It 'sends -Text as a TEXT message with a uuid id' {
        Reset-FakeJelouApi $fake
        $result = Send-JelouRoomMessage -RoomId $room -SenderId 'bot1' -Text 'Hola, ¿en qué puedo ayudarte?' @conn -ErrorAction Stop

        @($result).Count | Should -Be 1
        $result.Status | Should -Be 'Sent'
        $result.Row | Should -Be 1
        $result.MessageCount | Should -Be 1
        $result.Type | Should -Be 'TEXT'

        $requests = @(Get-RoomRequests)
        $requests.Count | Should -Be 1
        $requests[0].Entry.endpoint | Should -Be 'room'
        $requests[0].Entry.roomId | Should -Be $room
        $body = $requests[0].Body
        $body.senderId | Should -Be 'bot1'
        @($body.messages).Count | Should -Be 1
        $body.messages[0].type | Should -BeExactly 'TEXT'
        $body.messages[0].text | Should -BeExactly 'Hola, ¿en qué puedo ayudarte?'
        $body.messages[0].id | Should -Match $uuidPattern
        @($result.MessageIds)[0] | Should -Be $body.messages[0].id
    }

    It 'sends several -Text values in one request' {
        Reset-FakeJelouApi $fake
        $result = Send-JelouRoomMessage -RoomId $room -SenderId 'bot1' -Text 'Primero', 'Segundo' @conn -ErrorAction Stop

        $result.Status | Should -Be 'Sent'
        $result.MessageCount | Should -Be 2
        $requests = @(Get-RoomRequests)
        $requests.Count | Should -Be 1
        $messages = @($requests[0].Body.messages)
        $messages.Count | Should -Be 2
        $messages[0].type | Should -BeExactly 'TEXT'
        $messages[0].text | Should -BeExactly 'Primero'
        $messages[1].type | Should -BeExactly 'TEXT'
        $messages[1].text | Should -BeExactly 'Segundo'
        $messages[0].id | Should -Match $uuidPattern
        $messages[1].id | Should -Match $uuidPattern
        $messages[0].id | Should -Not -Be $messages[1].id
    }

    It 'infers IMAGE from a *.png -MediaUrl' {
        Reset-FakeJelouApi $fake
        $result = Send-JelouRoomMessage -RoomId $room -SenderId 'bot1' -MediaUrl 'https://x/y.png' @conn -ErrorAction Stop

        $result.Status | Should -Be 'Sent'
        $result.Type | Should -Be 'IMAGE'
        $message = @((@(Get-RoomRequests))[0].Body.messages)[0]
        $message.type | Should -BeExactly 'IMAGE'
        $message.mediaUrl | Should -Be 'https://x/y.png'
        $message.id | Should -Match $uuidPattern
    }

    It 'sends mixed types given with -RoomMessage, in order' {
        Reset-FakeJelouApi $fake
        $result = Send-JelouRoomMessage -RoomId $room -SenderId 'bot1' -RoomMessage @(
            @{ type = 'TEXT'; text = 'a' }
            @{ type = 'DOCUMENT'; mediaUrl = 'https://x/y.pdf' }
        ) @conn -ErrorAction Stop

        $result.Status | Should -Be 'Sent'
        $result.MessageCount | Should -Be 2
        $requests = @(Get-RoomRequests)
        $requests.Count | Should -Be 1
        $messages = @($requests[0].Body.messages)
        $messages.Count | Should -Be 2
        $messages[0].type | Should -BeExactly 'TEXT'
        $messages[0].text | Should -BeExactly 'a'
        $messages[1].type | Should -BeExactly 'DOCUMENT'
        $messages[1].mediaUrl | Should -Be 'https://x/y.pdf'
    }

    It 'sends one request per CSV row with roomId, senderId and text' {
        Reset-FakeJelouApi $fake
        $path = Join-Path $TestDrive 'salas.csv'
        ConvertTo-Utf8BomFile -Path $path -Text ((
                'roomId,senderId,text',
                'G:bot1:ref-101,bot1,Hola Ana',
                'G:bot1:ref-102,bot1,Buenos días José Núñez',
                'G:bot1:ref-103,operador-7,Su caso fue atendido'
            ) -join "`n")

        $results = @(Import-Csv -Path $path | Send-JelouRoomMessage @conn -ThrottleLimit 1 -ErrorAction Stop | Sort-Object -Property Row)

        $results.Count | Should -Be 3
        ($results | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Sent,Sent,Sent'
        ($results | ForEach-Object { $_.RoomId }) -join ',' | Should -Be 'G:bot1:ref-101,G:bot1:ref-102,G:bot1:ref-103'

        $requests = @(Get-RoomRequests)
        $requests.Count | Should -Be 3
        ($requests | ForEach-Object { $_.Entry.roomId }) -join ',' | Should -Be 'G:bot1:ref-101,G:bot1:ref-102,G:bot1:ref-103'
        $requests[1].Body.messages[0].text | Should -BeExactly 'Buenos días José Núñez'
        $requests[2].Body.senderId | Should -Be 'operador-7'
    }

    It 'sends nothing with -WhatIf and reports WhatIf' {
        Reset-FakeJelouApi $fake
        $result = Send-JelouRoomMessage -RoomId $room -SenderId 'bot1' -Text 'No enviar' @conn -WhatIf

        @($result).Count | Should -Be 1
        $result.Status | Should -Be 'WhatIf'
        $ledger = Get-FakeLedger $fake
        @($ledger.entries).Count | Should -Be 0
        $ledger.totalRequests | Should -Be 0
    }

    It 'skips a row without a sender, with a JelouInvalidInput error' {
        Reset-FakeJelouApi $fake
        $errs = $null
        $result = Send-JelouRoomMessage -RoomId $room -SenderId '' -Text 'Hola' @conn -ErrorAction SilentlyContinue -ErrorVariable errs

        $result.Status | Should -Be 'Skipped'
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JelouInvalidInput*'
        (Get-FakeLedger $fake).totalRequests | Should -Be 0
    }
}

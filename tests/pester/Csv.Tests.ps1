#Requires -Version 5.1
# Bulk sends from CSV files through the pipeline: one result per row, order metadata, skipped rows with errors,
# column aliases, delay-bind script blocks, -WhatIf, and the report round trip (Export-Csv, then resend the
# rows that were not sent).

Describe 'Sending CSV rows through the pipeline' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }

        # Good rows: 1, 2, 5 and 7. Bad rows: 3 (no recipient), 4 (http media URL), 6 (unknown type).
        $mixedCsv = @(
            'userId,text,type,mediaUrl'
            '593990000001,"Hola José Núñez, su pedido está listo",,'
            '593990000002,Buenos días María Peña,text,'
            ',Sin destinatario,,'
            '593990000004,Factura de Íñigo Muñoz,,http://example.com/facturas/F-004.pdf'
            '593990000005,Foto para Begoña Ibáñez,image,https://example.com/fotos/begona.jpg'
            '593990000006,"¿Qué tal, Zoë?",bogus,'
            '593990000007,Último aviso para Ramón Güemes 🎉,,'
        ) -join "`n"
        $expectedSent = @{
            '593990000001' = 'Hola José Núñez, su pedido está listo'
            '593990000002' = 'Buenos días María Peña'
            '593990000005' = 'Foto para Begoña Ibáñez'
            '593990000007' = 'Último aviso para Ramón Güemes 🎉'
        }
        $badUsers = @('', '593990000004', '593990000006')

        function Get-LedgerBodies {
            param($Fake)
            $ledger = Get-FakeLedger $Fake
            $ledger.entries |
                Sort-Object -Property sequence |
                ForEach-Object {
                    $body = $_.body | ConvertFrom-Json
                    [pscustomobject]@{ UserId = $_.userId; Text = $body.text; Type = $body.type; Body = $body }
                }
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    Context 'a CSV saved as UTF-8 with BOM, with good and bad rows' {
        BeforeAll {
            $mixedPath = Join-Path $TestDrive 'clientes.csv'
            ConvertTo-Utf8BomFile -Path $mixedPath -Text $mixedCsv
        }

        It 'returns one result per row: good rows Sent, bad rows Skipped with one error each' {
            Reset-FakeJelouApi $fake
            $errs = $null
            $results = @(Import-Csv -Path $mixedPath | Send-JelouBotMessage -BotId 'bot1' @conn -ErrorAction SilentlyContinue -ErrorVariable errs)

            $results.Count | Should -Be 7
            @($results | Where-Object { $_.Status -eq 'Sent' }).Count | Should -Be 4
            @($results | Where-Object { $_.Status -eq 'Skipped' }).Count | Should -Be 3
            foreach ($result in $results) {
                if ($expectedSent.ContainsKey([string]$result.UserId)) {
                    $result.Status | Should -Be 'Sent' -Because "row $($result.Row) is valid"
                    $result.MessageId | Should -Not -BeNullOrEmpty
                }
                else {
                    $result.Status | Should -Be 'Skipped' -Because "row $($result.Row) is invalid"
                    $result.ErrorId | Should -Be 'JelouInvalidInput'
                }
            }

            @($errs).Count | Should -Be 3
            foreach ($err in $errs) {
                $err.FullyQualifiedErrorId | Should -BeLike 'JelouInvalidInput*'
                $err.TargetObject | Should -Not -BeNullOrEmpty
                $badUsers | Should -Contain $err.TargetObject.userId
            }
        }

        It 'numbers the rows 1..N, and Sort-Object Row restores the input order' {
            Reset-FakeJelouApi $fake
            $results = @(Import-Csv -Path $mixedPath | Send-JelouBotMessage -BotId 'bot1' @conn -ErrorAction SilentlyContinue)
            $rows = @(Import-Csv -Path $mixedPath)

            $sorted = @($results | Sort-Object -Property Row)
            ($sorted | ForEach-Object { [int]$_.Row }) -join ',' | Should -Be '1,2,3,4,5,6,7'
            for ($i = 0; $i -lt $rows.Count; $i++) {
                $sorted[$i].UserId | Should -Be $rows[$i].userId
                $sorted[$i].InputObject.text | Should -BeExactly $rows[$i].text
            }
        }

        It 'sends only the good rows, with their text exactly as written' {
            Reset-FakeJelouApi $fake
            $null = Import-Csv -Path $mixedPath | Send-JelouBotMessage -BotId 'bot1' @conn -ErrorAction SilentlyContinue

            $bodies = @(Get-LedgerBodies $fake)
            $bodies.Count | Should -Be $expectedSent.Count
            foreach ($userId in $expectedSent.Keys) {
                $matching = @($bodies | Where-Object { $_.UserId -eq $userId })
                $matching.Count | Should -Be 1 -Because "$userId is a good row"
                $matching[0].Text | Should -BeExactly $expectedSent[$userId]
            }

            (@($bodies | Where-Object { $_.UserId -eq '593990000005' }))[0].Type | Should -Be 'image'
        }

        It 'with -WhatIf sends nothing and reports WhatIf or Skipped for every row' {
            Reset-FakeJelouApi $fake
            $results = @(Import-Csv -Path $mixedPath | Send-JelouBotMessage -BotId 'bot1' @conn -WhatIf -ErrorAction SilentlyContinue)

            $results.Count | Should -Be 7
            @($results | Where-Object { $_.Status -eq 'WhatIf' }).Count | Should -Be 4
            @($results | Where-Object { $_.Status -eq 'Skipped' }).Count | Should -Be 3
            $ledger = Get-FakeLedger $fake
            @($ledger.entries).Count | Should -Be 0
            $ledger.totalRequests | Should -Be 0
        }
    }

    Context 'column aliases and delay-bind script blocks' {
        It 'binds the columns phone and message' {
            Reset-FakeJelouApi $fake
            $path = Join-Path $TestDrive 'phone-message.csv'
            ConvertTo-Utf8BomFile -Path $path -Text ((
                    'phone,message',
                    '593990000101,Hola Ana Quiñónez',
                    '593990000102,Hola Sofía Gómez'
                ) -join "`n")

            $results = @(Import-Csv -Path $path | Send-JelouBotMessage -BotId 'bot1' @conn -ErrorAction Stop)

            $results.Count | Should -Be 2
            @($results | Where-Object { $_.Status -eq 'Sent' }).Count | Should -Be 2
            $bodies = @(Get-LedgerBodies $fake)
            $bodies.Count | Should -Be 2
            (@($bodies | Where-Object { $_.UserId -eq '593990000101' }))[0].Text | Should -BeExactly 'Hola Ana Quiñónez'
            (@($bodies | Where-Object { $_.UserId -eq '593990000102' }))[0].Text | Should -BeExactly 'Hola Sofía Gómez'
        }

        It 'binds the Spanish columns telefono and mensaje' {
            Reset-FakeJelouApi $fake
            $path = Join-Path $TestDrive 'telefono-mensaje.csv'
            ConvertTo-Utf8BomFile -Path $path -Text ((
                    'telefono,mensaje',
                    '593990000111,Su cita es mañana'
                ) -join "`n")

            $results = @(Import-Csv -Path $path | Send-JelouBotMessage -BotId 'bot1' @conn -ErrorAction Stop)

            $results.Count | Should -Be 1
            $results[0].Status | Should -Be 'Sent'
            $results[0].UserId | Should -Be '593990000111'
            (@(Get-LedgerBodies $fake))[0].Text | Should -BeExactly 'Su cita es mañana'
        }

        It 'merges each row into a -Text script block' {
            Reset-FakeJelouApi $fake
            $path = Join-Path $TestDrive 'pedidos.csv'
            ConvertTo-Utf8BomFile -Path $path -Text ((
                    'telefono,nombre,pedido',
                    '593990000201,José Núñez,A-1001',
                    '593990000202,María Peña,A-1002'
                ) -join "`n")

            $results = @(Import-Csv -Path $path |
                    Send-JelouBotMessage -BotId 'bot1' -Text { "Hola $($_.nombre), su pedido $($_.pedido) está listo" } @conn -ErrorAction Stop)

            $results.Count | Should -Be 2
            $bodies = @(Get-LedgerBodies $fake)
            $bodies.Count | Should -Be 2
            (@($bodies | Where-Object { $_.UserId -eq '593990000201' }))[0].Text | Should -BeExactly 'Hola José Núñez, su pedido A-1001 está listo'
            (@($bodies | Where-Object { $_.UserId -eq '593990000202' }))[0].Text | Should -BeExactly 'Hola María Peña, su pedido A-1002 está listo'
        }
    }

    Context 'ordering and the report round trip' {
        BeforeAll {
            $orderedPath = Join-Path $TestDrive 'ordenados.csv'
            ConvertTo-Utf8BomFile -Path $orderedPath -Text ((
                    'userId,text',
                    '593990000301,Uno: Álvaro',
                    '593990000302,Dos: Débora',
                    '593990000303,Tres: Édgar',
                    '593990000304,Cuatro: Íñigo',
                    '593990000305,Cinco: Óscar',
                    '593990000306,Seis: Úrsula'
                ) -join "`n")
        }

        It 'keeps the ledger in input order with -ThrottleLimit 1' {
            Reset-FakeJelouApi $fake
            $rows = @(Import-Csv -Path $orderedPath)
            $results = @($rows | Send-JelouBotMessage -BotId 'bot1' @conn -ThrottleLimit 1 -ErrorAction Stop)

            $results.Count | Should -Be $rows.Count
            $ledger = Get-FakeLedger $fake
            $ledger.maxInFlight | Should -Be 1
            $received = @($ledger.entries | Sort-Object -Property sequence | ForEach-Object { $_.userId })
            ($received -join ',') | Should -Be (($rows | ForEach-Object { $_.userId }) -join ',')
        }

        It 'exports a report whose unsent rows can be piped back in and arrive' {
            Reset-FakeJelouApi $fake
            # The first two requests are refused; with -ThrottleLimit 1 those are rows 1 and 2.
            Add-FakeResponse $fake @(@{ status = 422 }, @{ status = 422 })
            $report = @(Import-Csv -Path $orderedPath |
                    Send-JelouBotMessage -BotId 'bot1' @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue |
                    Sort-Object -Property Row)

            $report.Count | Should -Be 6
            ($report | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Failed,Failed,Sent,Sent,Sent,Sent'

            $reportPath = Join-Path $TestDrive 'report.csv'
            $report | Export-Csv -Path $reportPath -NoTypeInformation -Encoding UTF8

            Reset-FakeJelouApi $fake
            $resent = @(Import-Csv -Path $reportPath |
                    Where-Object { $_.Status -ne 'Sent' } |
                    Send-JelouBotMessage -BotId 'bot1' @conn -ThrottleLimit 1 -ErrorAction Stop)

            $resent.Count | Should -Be 2
            @($resent | Where-Object { $_.Status -eq 'Sent' }).Count | Should -Be 2
            $bodies = @(Get-LedgerBodies $fake)
            ($bodies | ForEach-Object { $_.UserId }) -join ',' | Should -Be '593990000301,593990000302'
            $bodies[0].Text | Should -BeExactly 'Uno: Álvaro'
            $bodies[1].Text | Should -BeExactly 'Dos: Débora'
        }
    }
}

#Requires -Version 5.1
# The Send-JelouTemplate report kept as a CSV file: Export-Csv, Import-Csv, and the failed rows piped back in send the
# same template with the same values, as re-piping the result objects does. The list columns (Parameters,
# HeaderParameters, ButtonParameters) are written as JSON array text, so a value with a comma, quotes or accents, or one
# that looks like a list itself, comes back whole; a cell that merely looks like such a list but is not one is refused by
# name, and a flattened list ('System.String[]') is never sent.

Describe 'Send-JelouTemplate: the CSV report round trip' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        Set-JelouRequestContext -Reset
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }

        # Values that a separator-based column would split or mangle: commas, quotes, semicolons, pipes, brackets,
        # backslashes, a value that is itself JSON list text, accents and an emoji.
        $clientes = @(
            [pscustomobject]@{ telefono = '593995000001'; nombre = 'José "Pepe" Núñez, hijo'; monto = '1.234,56' }
            [pscustomobject]@{ telefono = '593995000002'; nombre = 'María; Peña | Ibáñez'; monto = '["no es una lista"]' }
            [pscustomobject]@{ telefono = '593995000003'; nombre = 'Íñigo \ Muñoz'; monto = '[urgente], "50%"' }
            [pscustomobject]@{ telefono = '593995000004'; nombre = 'Zoë Güemes 😀'; monto = '20,00' }
            [pscustomobject]@{ telefono = '593995000005'; nombre = 'Ángela Castaño'; monto = '"' }
        )

        function Get-HsmBodies {
            @((Get-FakeLedger $fake).entries | Where-Object endpoint -eq 'hsm' | Sort-Object -Property sequence | ForEach-Object { $_.body })
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    BeforeEach {
        Reset-FakeJelouApi $fake
    }

    It 'Import-Csv report.csv | Where-Object Status -eq Failed | Send-JelouTemplate sends each failed row''s original values' {
        $failing = '593995000001', '593995000002', '593995000003'
        Add-FakeRule $fake @($failing | ForEach-Object { @{ userId = $_; times = 1; response = @{ status = 422 } } })
        $reportPath = Join-Path $TestDrive 'reporte.csv'
        $clientes | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -Parameter { $_.nombre, $_.monto } @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue |
            Export-Csv -Path $reportPath -NoTypeInformation -Encoding utf8
        @(Import-Csv $reportPath -Encoding utf8 | Where-Object Status -eq 'Failed').Count | Should -Be 3
        Reset-FakeJelouApi $fake

        $resent = @(Import-Csv $reportPath -Encoding utf8 | Where-Object Status -eq 'Failed' | Send-JelouTemplate @conn -ThrottleLimit 1 -ErrorAction Stop)

        ($resent | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Sent,Sent,Sent'
        $entries = @((Get-FakeLedger $fake).entries | Where-Object endpoint -eq 'hsm' | Sort-Object -Property sequence)
        ($entries.userId) -join ',' | Should -Be ($failing -join ',')
        foreach ($entry in $entries) {
            $body = $entry.body | ConvertFrom-Json
            $cliente = $clientes | Where-Object telefono -eq $entry.userId
            $body.elementName | Should -BeExactly 'recordatorio_pago'
            $body.language | Should -BeExactly 'es'
            @($body.parameters).Count | Should -Be 2
            $body.parameters[0] | Should -BeExactly $cliente.nombre
            $body.parameters[1] | Should -BeExactly $cliente.monto
            $entry.body | Should -Not -Match 'System\.String'
        }

        # The resent results carry the values as lists again, so the next report round-trips the same way.
        $resent[0].Parameters.Count | Should -Be 2
        $resent[0].Parameters[0] | Should -BeExactly $clientes[0].nombre
    }

    It 'writes the list columns as JSON array text, readable in a spreadsheet, and shows them as lists' {
        $result = $clientes[0] | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -Parameter { $_.nombre, $_.monto } @conn -WhatIf

        $row = @($result | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)[0]
        $row.Parameters | Should -BeExactly '["José \"Pepe\" Núñez, hijo","1.234,56"]'
        $row.HeaderParameters | Should -BeExactly '[]'
        $row.ButtonParameters | Should -BeExactly '[]'
        ($result | Format-List -Property Parameters | Out-String) | Should -Match 'Parameters : \{José "Pepe" Núñez, hijo, 1\.234,56\}'
        ($result.Parameters -join '|') | Should -BeExactly 'José "Pepe" Núñez, hijo|1.234,56'
    }

    It 'keeps a template without parameters, a document header, a URL button and the campaign through the CSV report' {
        $pedidos = @(
            [pscustomobject]@{ telefono = '593995100001'; plantilla = 'bienvenida_cliente' }
            [pscustomobject]@{ telefono = '593995100002'; plantilla = 'factura_pdf'; nombre = 'Begoña, "la jefa"'; media_url = 'https://cdn.example.com/facturas/mayo.pdf'; file_name = 'Factura mayo, 2026 – Núñez.pdf' }
            [pscustomobject]@{ telefono = '593995100003'; plantilla = 'envio_en_camino'; nombre = 'Pedido 77, caja "A"'; boton = 'abc,123/ñ' }
        )
        $reportPath = Join-Path $TestDrive 'mixto.csv'
        $first = foreach ($p in $pedidos) {
            $extra = @{}
            if ($p.nombre) { $extra['Parameter'] = $p.nombre }
            if ($p.media_url) { $extra['MediaUrl'] = $p.media_url; $extra['FileName'] = $p.file_name }
            if ($p.boton) { $extra['ButtonParameter'] = $p.boton }
            $p | Send-JelouTemplate -BotId 'bot1' -TemplateName $p.plantilla -Language es -CampaignId 'mayo, 2026' @extra @conn -ErrorAction Stop
        }

        @($first | Where-Object Status -ne 'Sent').Count | Should -Be 0
        $sentBodies = Get-HsmBodies
        $sentBodies.Count | Should -Be 3
        $first | Export-Csv -Path $reportPath -NoTypeInformation -Encoding utf8
        Reset-FakeJelouApi $fake

        $again = @(Import-Csv $reportPath -Encoding utf8 | Send-JelouTemplate @conn -ThrottleLimit 1 -ErrorAction Stop)

        @($again | Where-Object Status -ne 'Sent').Count | Should -Be 0
        # The same request bodies, byte for byte: the report lost nothing the template was sent with.
        $resentBodies = Get-HsmBodies
        $resentBodies | Should -Be $sentBodies
        ($resentBodies[1] | ConvertFrom-Json).fileName | Should -BeExactly 'Factura mayo, 2026 – Núñez.pdf'
        ($resentBodies[2] | ConvertFrom-Json).dynamicUrlParameter | Should -BeExactly 'abc,123/ñ'
    }

    It 'refuses a list cell edited into something that is not a list, naming the column, and sends nothing' {
        $rows = @(
            [pscustomobject]@{ BotId = 'bot1'; UserId = '593995200001'; TemplateName = 'recordatorio_pago'; Language = 'es'; Parameters = '["Ana","10,00"' }
            [pscustomobject]@{ BotId = 'bot1'; UserId = '593995200002'; TemplateName = 'recordatorio_pago'; Language = 'es'; Parameters = '["Ana",10]' }
        )

        $errs = $null
        $results = @($rows | Send-JelouTemplate @conn -ErrorAction SilentlyContinue -ErrorVariable errs)

        ($results | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Skipped,Skipped'
        $errs.Count | Should -Be 2
        $errs[0].Exception.Message | Should -Match "Parameters.*JSON array"
        @((Get-FakeLedger $fake -Attempts).attempts | Where-Object endpoint -eq 'hsm').Count | Should -Be 0
    }

    It 'still binds a plain Parameters cell as one value, and never sends a flattened list' {
        $rows = @(
            [pscustomobject]@{ BotId = 'bot1'; UserId = '593995300001'; TemplateName = 'codigo_verificacion'; Language = 'es'; Parameters = '[482913]' }
            [pscustomobject]@{ BotId = 'bot1'; UserId = '593995300002'; TemplateName = 'codigo_verificacion'; Language = 'es'; Parameters = 'System.String[]' }
        )

        $results = @($rows | Send-JelouTemplate @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue | Sort-Object -Property Row)

        ($results | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Sent,Skipped'
        $bodies = @(Get-HsmBodies)
        $bodies.Count | Should -Be 1
        ($bodies[0] | ConvertFrom-Json).parameters | Should -Be @('[482913]')
    }
}

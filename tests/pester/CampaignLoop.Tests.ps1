#Requires -Version 5.1
# The loop a campaign manager lives in (issue 15), end to end against one fake API over loopback, each step reading only
# what the one before it left on disk: (1) Get-JelouTemplate; (2) Send-JelouTemplate of a 500-row customer file,
# exported to a report CSV; (3) Start-JelouCampaign from a pipeline, followed by Get-JelouCampaign -Wait until COMPLETED;
# (4) Import-Csv report.csv | Get-JelouMessageStatus | Group-Object Status, the counts checked against the fake's status
# cycle for the ledger's ids; (5) the FAILED ones resent from the CSV report alone, checked in the ledger.
# The Its run in order and share the files of the loop. -WhatIf on an upload and the validation errors of a bad file are
# covered in Campaign.Tests.ps1 ('-WhatIf and the checks'); the pieces' own behaviour in each cmdlet's file.

Describe 'The campaign loop: templates, send, campaign, delivery status, resend' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        Set-JelouRequestContext -Reset

        # Message msg_N has status $cycle[(N - 1) % 7] (tests/Jelou.FakeApi/README.md): a 7-long cycle over 500 sends
        # gives every status, FAILED among them. Campaigns move a state every 200 ms, so -Wait ends within a few polls.
        $cycle = @('READ', 'DELIVERED_USER', 'FAILED', 'REPLY', 'DELIVERED_CHANNEL', 'CREATED', 'READ')
        $fake = Start-FakeJelouApi -ArgumentList '--notification-statuses', ($cycle -join ','), '--campaign-step-ms', '200'
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }

        # Pipeline input to Start-JelouCampaign is written under the temp folder: a folder of its own shows it is removed.
        $savedTemp = @{ TMPDIR = $env:TMPDIR; TEMP = $env:TEMP; TMP = $env:TMP }
        $tempFolder = Join-Path $TestDrive 'tmp'
        $null = New-Item -ItemType Directory -Path $tempFolder
        $env:TMPDIR = $tempFolder; $env:TEMP = $tempFolder; $env:TMP = $tempFolder

        # 500 customers with Spanish names; the amounts have the decimal comma, so every CSV cell of them is quoted. Every
        # third customer is active (the campaign's audience); four numbers are refused by the fake on the first send.
        $nombres = 'José Núñez', 'María Peña', 'Begoña Ibáñez', 'Íñigo Muñoz', 'Ángela Castaño', 'Óscar Díaz', 'Ramón Añez', 'Zoë Güemes'
        $lines = [System.Collections.Generic.List[string]]::new()
        $lines.Add('telefono,nombre,monto,activo')
        for ($i = 1; $i -le 500; $i++) {
            $lines.Add(('{0},{1} {2},"{3},{4:00}",{5}' -f ('5939960' + $i.ToString('00000')), $nombres[$i % $nombres.Count], $i, ($i * 7), ($i % 100), $(if ($i % 3 -eq 0) { 'si' } else { 'no' })))
        }

        $clientesPath = Join-Path $TestDrive 'clientes.csv'
        ConvertTo-Utf8BomFile -Path $clientesPath -Text ($lines -join "`r`n")
        $reportPath = Join-Path $TestDrive 'reporte.csv'
        $refused = '593996000011', '593996000123', '593996000250', '593996000499'
        $clientes = @{}
        foreach ($c in Import-Csv $clientesPath -Encoding utf8) { $clientes[$c.telefono] = $c }

        function Get-HsmEntries { @((Get-FakeLedger $fake).entries | Where-Object endpoint -eq 'hsm' | Sort-Object -Property { [long]$_.sequence }) }

        # Every ledger entry whose body is not the customer's template and values, in one line each.
        function Find-WrongBodies {
            param([object[]] $Entries)
            foreach ($e in $Entries) {
                $body = $e.body | ConvertFrom-Json
                $c = $clientes[$e.userId]
                if ($null -eq $c -or $body.elementName -cne 'recordatorio_pago' -or $body.language -cne 'es' -or
                    (@($body.destinations) -join ',') -ne $e.userId -or (@($body.parameters) -join '|') -cne ($c.nombre + '|' + $c.monto)) {
                    "$($e.userId): $($e.body)"
                }
            }
        }
    }

    AfterAll {
        foreach ($name in 'TMPDIR', 'TEMP', 'TMP') {
            if ($null -eq $savedTemp[$name]) { Remove-Item -LiteralPath "Env:$name" -ErrorAction SilentlyContinue } else { Set-Item -LiteralPath "Env:$name" -Value $savedTemp[$name] }
        }

        Stop-FakeJelouApi $fake
    }

    It '1. Get-JelouTemplate finds the approved template and how many values it takes' {
        $script:plantilla = @(Get-JelouTemplate -BotId 'bot1' -Name 'recordatorio_*' -Status APPROVED @conn | Where-Object Language -eq 'es')

        $plantilla.Count | Should -Be 1
        $plantilla[0].GetType().FullName | Should -Be 'Jelou.Templates.JelouTemplate'
        $plantilla[0].Name | Should -BeExactly 'recordatorio_pago'
        $plantilla[0].Status | Should -Be 'APPROVED'
        $plantilla[0].ParameterCount | Should -Be 2
        $script:plantilla = $plantilla[0]
    }

    It '2. Send-JelouTemplate sends the 500 rows, and Export-Csv keeps the report' {
        Add-FakeRule $fake @($refused | ForEach-Object { @{ userId = $_; times = 1; response = @{ status = 422; body = '{"message":["Invalid destination"],"status":"failed"}' } } })

        Import-Csv $clientesPath -Encoding utf8 |
            Send-JelouTemplate -BotId 'bot1' -TemplateName $plantilla.Name -Language $plantilla.Language -Parameter { $_.nombre, $_.monto } @conn -ErrorAction SilentlyContinue -ErrorVariable sendErrors |
            Export-Csv $reportPath -NoTypeInformation -Encoding utf8

        $report = @(Import-Csv $reportPath -Encoding utf8)
        $report.Count | Should -Be 500
        @($report | Where-Object Status -eq 'Sent').Count | Should -Be 496
        (@($report | Where-Object Status -eq 'Failed').UserId | Sort-Object) -join ',' | Should -Be ($refused -join ',')
        $sendErrors.Count | Should -Be 4
        $entries = Get-HsmEntries
        $entries.Count | Should -Be 496
        Find-WrongBodies $entries | Should -BeNullOrEmpty
        # The report is the ledger: each Sent row has the id the fake gave its number, and its values as JSON text.
        $ids = @{}
        foreach ($e in $entries) { $ids[$e.userId] = $e.messageId }
        @($report | Where-Object { $_.Status -eq 'Sent' -and $_.MessageId -ne $ids[$_.UserId] }) | Should -BeNullOrEmpty
        $first = $report | Where-Object UserId -eq '593996000001'
        $first.Parameters | Should -BeExactly ('["{0}","{1}"]' -f $clientes['593996000001'].nombre, $clientes['593996000001'].monto)
    }

    It '3. Start-JelouCampaign uploads the active customers from a pipeline, and Get-JelouCampaign -Wait follows it to COMPLETED' {
        $map = [ordered]@{}
        $columns = 'nombre', 'monto'
        for ($p = 1; $p -le $plantilla.ParameterCount; $p++) { $map.Add($p, $columns[$p - 1]) }   # .Add: an int index of an ordered dictionary is a position
        $activos = @(Import-Csv $clientesPath -Encoding utf8 | Where-Object activo -eq 'si')

        $done = @(Import-Csv $clientesPath -Encoding utf8 | Where-Object activo -eq 'si' |
                Start-JelouCampaign -BotId 'bot1' -CampaignName 'recordatorio_mayo' -TemplateName $plantilla.Name -ParameterMap $map -Confirm:$false @conn |
                Get-JelouCampaign -Wait -PollIntervalSec 1 -WaitTimeoutSec 60 @conn)

        $done.Count | Should -Be 1
        $done[0].Name | Should -Be 'recordatorio_mayo'
        $done[0].Status | Should -Be 'COMPLETED'
        $done[0].RowCount | Should -Be $activos.Count
        $uploads = @((Get-FakeCampaigns $fake).uploads)
        $uploads.Count | Should -Be 1
        $uploads[0].fields.params | Should -Be '[{"param":1,"column":"nombre"},{"param":2,"column":"monto"}]'
        # The documented shape, phone first, with exactly the rows the pipeline chose, accents and commas intact.
        $uploaded = @($uploads[0].file | ConvertFrom-Csv)
        ($uploaded[0].PSObject.Properties.Name) -join ',' | Should -Be 'telefono,nombre,monto'
        $uploaded.Count | Should -Be $activos.Count
        $wrong = for ($i = 0; $i -lt $activos.Count; $i++) {
            if ($uploaded[$i].telefono -ne $activos[$i].telefono -or $uploaded[$i].nombre -cne $activos[$i].nombre -or $uploaded[$i].monto -cne $activos[$i].monto) { "row $($i + 1)" }
        }

        $wrong | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $tempFolder -Filter 'jelou-campaign-*' -File) | Should -BeNullOrEmpty
        # A campaign is not a message: the ledger still holds the 496 sends of step 2.
        (Get-HsmEntries).Count | Should -Be 496
    }

    It '4. Import-Csv report.csv | Get-JelouMessageStatus | Group-Object Status counts what the fake says for those ids' {
        $expected = @{}
        foreach ($e in Get-HsmEntries) { $expected[$e.messageId] = $cycle[([long]$e.sequence - 1) % $cycle.Count] }

        $script:estados = @(Import-Csv $reportPath -Encoding utf8 | Get-JelouMessageStatus @conn -ErrorAction Stop)
        $funnel = @(Import-Csv $reportPath -Encoding utf8 | Get-JelouMessageStatus @conn -ErrorAction Stop | Group-Object Status)

        $estados.Count | Should -Be 496
        $got = ($funnel | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }) -join ' '
        $want = ($expected.Values | Group-Object | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }) -join ' '
        $got | Should -Be $want
        $funnel.Count | Should -Be (@($cycle | Sort-Object -Unique).Count) -Because 'every status of the cycle occurs in 496 sends'
        @($estados | Where-Object { $_.Status -ne $expected[$_.MessageId] }) | Should -BeNullOrEmpty
        # Each status joins back to its report row.
        @($estados | Where-Object { $_.InputObject.MessageId -ne $_.MessageId -or $_.InputObject.Row -ne [string]$_.Row }) | Should -BeNullOrEmpty
    }

    It '5. the FAILED ones, and the rows the first send lost, are resent from the CSV report alone' {
        $fallidos = @($estados | Where-Object Status -eq 'FAILED')
        $fallidos.Count | Should -BeGreaterThan 50
        $before = (Get-HsmEntries).Count

        # Delivery FAILED: the status's InputObject is its report row, whose columns resend the template.
        $resent = @($fallidos | ForEach-Object InputObject | Send-JelouTemplate @conn -ErrorAction Stop)
        # Send Failed (refused by the API, never delivered): straight from the file.
        $retried = @(Import-Csv $reportPath -Encoding utf8 | Where-Object Status -eq 'Failed' | Send-JelouTemplate @conn -ErrorAction Stop)

        $resent.Count | Should -Be $fallidos.Count
        $retried.Count | Should -Be 4
        @($resent + $retried | Where-Object Status -ne 'Sent') | Should -BeNullOrEmpty
        $new = @(Get-HsmEntries | Select-Object -Skip $before)
        $new.Count | Should -Be ($fallidos.Count + 4)
        ($new.userId | Sort-Object) -join ',' | Should -Be ((@($fallidos.UserId) + $refused | Sort-Object) -join ',')
        Find-WrongBodies $new | Should -BeNullOrEmpty
        ($new.body -join "`n") | Should -Not -Match 'System\.String'
    }
}

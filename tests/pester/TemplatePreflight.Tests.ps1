#Requires -Version 5.1
# Send-JelouTemplate's pre-flight against the fake API, over loopback: every row is checked against the template's
# listing (GET /v1/bots/{botId}/templates, the catalogue of tests/Jelou.FakeApi/FakeTemplates.cs, which the fake's HSM
# endpoint sends from too) before anything is sent. A 1,000-row CSV with Spanish names, by a delay-bind script block and
# by param1..paramN columns; rows with a value too few, too many or empty Skipped, named and never sent (the fake's
# ledger says so); an unapproved or missing template sending nothing; -WhatIf on the whole file; the report round trip;
# -SkipTemplateCheck against a forbidden listing; completion of -TemplateName.

Describe 'Send-JelouTemplate pre-flight' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        Set-JelouRequestContext -Reset
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }

        # Every 97th row has an empty monto and every 89th a nombre of spaces: 10 + 11 rows that must never be sent.
        $nombres = 'José Núñez', 'María Peña', 'Begoña Ibáñez', 'Íñigo Muñoz', 'Zoë Güemes', 'Ramón Añez', 'Ángela Castaño', 'Óscar Díaz'
        $lines = [System.Collections.Generic.List[string]]::new()
        $lines.Add('telefono,nombre,monto')
        $cleanLines = [System.Collections.Generic.List[string]]::new()
        $cleanLines.Add('telefono,param1,param2')
        $bad = @{}
        $expected = @{}
        for ($i = 1; $i -le 1000; $i++) {
            $telefono = '5939920' + $i.ToString('00000')
            $nombre = $nombres[$i % $nombres.Count] + ' ' + $i
            $monto = '{0},{1:00}' -f ($i * 7), ($i % 100)
            $cleanLines.Add(('{0},{1},"{2}"' -f $telefono, $nombre, $monto))
            $expected[$telefono] = @($nombre, $monto)
            if ($i % 97 -eq 0) { $monto = ''; $bad[$i] = '{{2}}' }
            elseif ($i % 89 -eq 0) { $nombre = '   '; $bad[$i] = '{{1}}' }
            $lines.Add(('{0},{1},"{2}"' -f $telefono, $nombre, $monto))
        }

        $csvPath = Join-Path $TestDrive 'clientes.csv'
        ConvertTo-Utf8BomFile -Path $csvPath -Text ($lines -join "`n")
        $cleanPath = Join-Path $TestDrive 'clientes_param.csv'
        ConvertTo-Utf8BomFile -Path $cleanPath -Text ($cleanLines -join "`n")

        function Get-Attempts([string] $Endpoint) { @((Get-FakeLedger $fake -Attempts).attempts | Where-Object endpoint -eq $Endpoint).Count }
        function Get-SentDestinations { @((Get-FakeLedger $fake).entries | ForEach-Object userId) }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    BeforeEach {
        Reset-FakeJelouApi $fake
    }

    Context 'a mail merge of 1,000 rows' {
        It 'sends every good row of a delay-bind script block, lists the template once, and Skips the rows with an empty value, naming row and template' {
            $errs = $null
            $results = @(Import-Csv -Path $csvPath |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -Parameter { $_.nombre, $_.monto } @conn -ErrorAction SilentlyContinue -ErrorVariable errs |
                    Sort-Object -Property Row)

            $results.Count | Should -Be 1000
            Get-Attempts 'templates' | Should -Be 1 -Because 'each (bot, name, language) is listed once per batch'
            $skipped = @($results | Where-Object Status -eq 'Skipped')
            ($skipped.Row -join ',') | Should -Be (($bad.Keys | Sort-Object) -join ',')
            @($results | Where-Object Status -eq 'Sent').Count | Should -Be (1000 - $bad.Count)
            $errs.Count | Should -Be $bad.Count
            $wrong = [System.Collections.Generic.List[string]]::new()
            foreach ($e in $errs) {
                $row = [int]($e.ErrorDetails.Message -replace '^Row (\d+):.*$', '$1')
                if ($e.ErrorDetails.Message -notlike "Row ${row}: parameters``[*``]: is empty; the value for $($bad[$row]) of template 'recordatorio_pago' must have text*") {
                    $wrong.Add($e.ErrorDetails.Message)
                }
            }

            $wrong | Should -BeNullOrEmpty
            $sent = Get-SentDestinations
            $sent.Count | Should -Be (1000 - $bad.Count)
            foreach ($r in $skipped) { $sent | Should -Not -Contain $r.UserId }
            $entry = (Get-FakeLedger $fake).entries | Where-Object userId -eq '593992000001'
            (@(($entry.body | ConvertFrom-Json).parameters) -join '|') | Should -BeExactly ($expected['593992000001'] -join '|')
        }

        It 'sends every row of param1, param2 columns, and Skips all of them for a template with a different count' {
            $results = @(Import-Csv -Path $cleanPath | Send-JelouTemplate -BotId 'bot1' -Plantilla recordatorio_pago -Idioma es @conn -ErrorAction Stop)

            @($results | Where-Object Status -eq 'Sent').Count | Should -Be 1000
            Get-Attempts 'templates' | Should -Be 1
            Reset-FakeJelouApi $fake

            $errs = $null
            $three = @(Import-Csv -Path $cleanPath | Send-JelouTemplate -BotId 'bot1' -Plantilla confirmacion_cita -Idioma es @conn -ErrorAction SilentlyContinue -ErrorVariable errs)

            @($three | Where-Object Status -eq 'Skipped').Count | Should -Be 1000
            $errs.Count | Should -Be 1000
            $errs[0].ErrorDetails.Message | Should -BeExactly "Row 1: template 'confirmacion_cita' has 3 parameters ({{1}}, {{2}}, {{3}}); the row gives 2."
            $three[0].Error | Should -BeExactly "template 'confirmacion_cita' has 3 parameters ({{1}}, {{2}}, {{3}}); the row gives 2."
            Get-Attempts 'hsm' | Should -Be 0 -Because 'a row that breaks a rule is never sent'
        }
    }

    Context 'rows with one value too few or too many' {
        It 'Skips and names them, and sends only the others' {
            $rows = @(
                [pscustomobject]@{ telefono = '593991200001'; param1 = 'Débora'; param2 = '10,00' }
                [pscustomobject]@{ telefono = '593991200002'; param1 = 'Édgar'; param2 = '1,00'; param3 = 'de más' }
                [pscustomobject]@{ telefono = '593991200003'; param1 = 'Úrsula' }
                [pscustomobject]@{ telefono = '593991200004'; param1 = 'Noé'; param2 = '3,00' }
            )
            $errs = $null
            $results = @($rows | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es @conn -ErrorAction SilentlyContinue -ErrorVariable errs |
                    Sort-Object -Property Row)

            ($results | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Sent,Skipped,Skipped,Sent'
            @($errs.ErrorDetails.Message) | Should -Be @(
                "Row 2: template 'recordatorio_pago' has 2 parameters ({{1}}, {{2}}); the row gives 3."
                "Row 3: template 'recordatorio_pago' has 2 parameters ({{1}}, {{2}}); the row gives 1."
            )
            @($errs | ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*$' }) | Should -Be @('JelouInvalidInput', 'JelouInvalidInput')
            # Sent concurrently: the ledger holds them in order of arrival.
            (Get-SentDestinations | Sort-Object) -join ',' | Should -Be '593991200001,593991200004'
        }

        It 'warns once, and checks no count, for a template whose count cannot be read' {
            $warnings = $null
            $results = @('593991200011', '593991200012' | ForEach-Object { [pscustomobject]@{ telefono = $_; param1 = 'Ana' } } |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName encuesta_servicio -Language es @conn -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue)

            @($results | Where-Object Status -eq 'Sent').Count | Should -Be 2
            $warnings.Count | Should -Be 1
            [string]$warnings[0] | Should -BeLike "*encuesta_servicio*no placeholder count*not checked*"
        }
    }

    Context 'a template that cannot be sent' {
        It 'an unapproved template sends nothing of the file and stops with an error naming it' {
            $results = [System.Collections.Generic.List[object]]::new()
            $stopped = $null
            try {
                Import-Csv -Path $csvPath | Send-JelouTemplate -BotId 'bot1' -TemplateName promocion_verano -Language es -Parameter { $_.nombre, $_.monto } @conn |
                    ForEach-Object { $results.Add($_) }
            }
            catch {
                $stopped = $_
            }

            $stopped | Should -Not -BeNullOrEmpty
            $stopped.FullyQualifiedErrorId | Should -BeLike 'JelouTemplateNotApproved,*'
            $stopped.Exception.Message | Should -BeLike "Template 'promocion_verano' (es) of bot 'bot1' is PENDING; only APPROVED templates can be sent.*Nothing was sent."
            $results.Count | Should -Be 1
            $results[0].Status | Should -Be 'Skipped'
            $results[0].ErrorId | Should -Be 'JelouTemplateNotApproved'
            Get-Attempts 'hsm' | Should -Be 0
        }

        It 'a missing template sends nothing and lists approved templates with close names' {
            $stopped = $null
            try {
                Import-Csv -Path $csvPath | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pagos -Language es -Parameter { $_.nombre, $_.monto } @conn | Out-Null
            }
            catch {
                $stopped = $_
            }

            $stopped.FullyQualifiedErrorId | Should -BeLike 'JelouTemplateNotFound,*'
            $stopped.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $stopped.Exception.Message | Should -BeLike "*'recordatorio_pagos' does not exist*Approved templates with close names: recordatorio_pago.*"
            Get-Attempts 'hsm' | Should -Be 0
        }

        It 'a template missing half way through reports the rows sent before it and says so' {
            $rows = @(
                [pscustomobject]@{ telefono = '593991200021'; plantilla = 'recordatorio_pago'; param1 = 'Ana'; param2 = '1,00' }
                [pscustomobject]@{ telefono = '593991200022'; plantilla = 'recordatorio_pago'; param1 = 'Inés'; param2 = '2,00' }
                [pscustomobject]@{ telefono = '593991200023'; plantilla = 'no_existe'; param1 = 'Raúl'; param2 = '3,00' }
                [pscustomobject]@{ telefono = '593991200024'; plantilla = 'recordatorio_pago'; param1 = 'Sofía'; param2 = '4,00' }
            )
            $results = [System.Collections.Generic.List[object]]::new()
            $stopped = $null
            try {
                $rows | Send-JelouTemplate -BotId 'bot1' -Language es @conn | ForEach-Object { $results.Add($_) }
            }
            catch {
                $stopped = $_
            }

            $stopped.FullyQualifiedErrorId | Should -BeLike 'JelouTemplateNotFound,*'
            $stopped.Exception.Message | Should -BeLike '*Before row 3, 2 row(s) were sent*row 3 and the rows after it were not sent.'
            (($results | Sort-Object Row | ForEach-Object { '{0}:{1}' -f $_.Row, $_.Status }) -join ',') | Should -Be '1:Sent,2:Sent,3:Skipped'
            (Get-SentDestinations | Sort-Object) -join ',' | Should -Be '593991200021,593991200022'
        }
    }

    Context '-WhatIf' {
        It 'runs the whole pre-flight on the file: sends nothing and says which rows would fail' {
            $errs = $null
            $results = @(Import-Csv -Path $csvPath |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -Parameter { $_.nombre, $_.monto } @conn -WhatIf -ErrorAction SilentlyContinue -ErrorVariable errs)

            $results.Count | Should -Be 1000
            @($results | Where-Object Status -eq 'WhatIf').Count | Should -Be (1000 - $bad.Count)
            (@($results | Where-Object Status -eq 'Skipped' | ForEach-Object Row | Sort-Object) -join ',') | Should -Be (($bad.Keys | Sort-Object) -join ',')
            $errs.Count | Should -Be $bad.Count
            Get-Attempts 'templates' | Should -Be 1 -Because 'the dry run checks the template too'
            Get-Attempts 'hsm' | Should -Be 0
        }

        It 'names the rows that break the template''s count, and stops on an unapproved template, without sending' {
            $errs = $null
            $results = @(Import-Csv -Path $cleanPath | Select-Object -First 5 |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName confirmacion_cita -Language es @conn -WhatIf -ErrorAction SilentlyContinue -ErrorVariable errs)
            { Import-Csv -Path $cleanPath | Send-JelouTemplate -BotId 'bot1' -TemplateName oferta_relampago @conn -WhatIf } |
                Should -Throw -ErrorId 'JelouTemplateNotApproved,Jelou.PowerShell.Commands.SendJelouTemplateCommand'

            @($results.Status | Select-Object -Unique) | Should -Be @('Skipped')
            $errs[4].ErrorDetails.Message | Should -BeExactly "Row 5: template 'confirmacion_cita' has 3 parameters ({{1}}, {{2}}, {{3}}); the row gives 2."
            (Get-FakeLedger $fake).count | Should -Be 0
            Get-Attempts 'hsm' | Should -Be 0
        }
    }

    Context 'the report round trip' {
        It 'failed rows exported and re-imported are re-piped: the refused ones are sent, the ones that break the template are Skipped again' {
            $rows = @(
                [pscustomobject]@{ telefono = '593991200031'; param1 = 'Adrián'; param2 = '5,00' }
                [pscustomobject]@{ telefono = '593991200032'; param1 = 'Belén'; param2 = '6,00' }
                [pscustomobject]@{ telefono = '593991200033'; param1 = 'César' }
                [pscustomobject]@{ telefono = '593991200034'; param1 = 'Dulce'; param2 = '8,00' }
            )
            # Row 1's send is refused (a 422 the row can be resent after); row 3 gives one value too few.
            Add-FakeRule $fake @{ userId = '593991200031'; times = 1; response = @{ status = 422 } }
            $report = @($rows | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue |
                    Sort-Object -Property Row)
            ($report | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Failed,Sent,Skipped,Sent'
            $reportPath = Join-Path $TestDrive 'fallidos.clixml'
            $report | Where-Object Status -ne 'Sent' | Export-Clixml -Path $reportPath
            Reset-FakeJelouApi $fake

            $errs = $null
            $again = @(Import-Clixml -Path $reportPath | Send-JelouTemplate @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue -ErrorVariable errs | Sort-Object -Property Row)

            ($again | ForEach-Object { '{0}:{1}' -f $_.UserId, $_.Status }) -join ',' | Should -Be '593991200031:Sent,593991200033:Skipped'
            $errs[0].ErrorDetails.Message | Should -BeExactly "Row 2: template 'recordatorio_pago' has 2 parameters ({{1}}, {{2}}); the row gives 1."
            (Get-SentDestinations) -join ',' | Should -Be '593991200031'
            $body = (Get-FakeLedger $fake).entries[0].body | ConvertFrom-Json
            $body.elementName | Should -BeExactly 'recordatorio_pago'
            $body.language | Should -BeExactly 'es'
            (@($body.parameters) -join '|') | Should -BeExactly 'Adrián|5,00'
        }
    }

    Context '-SkipTemplateCheck' {
        It 'a forbidden listing stops the batch suggesting the switch, and the switch sends without listing' {
            $null = Set-FakeFaults $fake @{ forbidTemplateListing = $true }
            $rows = @(Import-Csv -Path $cleanPath | Select-Object -First 20)

            $stopped = $null
            try { $rows | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es @conn | Out-Null } catch { $stopped = $_ }
            $stopped.FullyQualifiedErrorId | Should -BeLike 'JelouTemplateListingForbidden,*'
            $stopped.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $stopped.Exception.Message | Should -BeLike '*403*-SkipTemplateCheck*Nothing was sent.'
            Get-Attempts 'hsm' | Should -Be 0
            Reset-FakeJelouApi $fake
            $null = Set-FakeFaults $fake @{ forbidTemplateListing = $true }

            $results = @($rows | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -SkipTemplateCheck @conn -ErrorAction Stop)

            @($results | Where-Object Status -eq 'Sent').Count | Should -Be 20
            Get-Attempts 'templates' | Should -Be 0
            (Get-SentDestinations).Count | Should -Be 20
        }
    }
}

Describe 'Send-JelouTemplate -TemplateName completion' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        $configHome = Join-Path ([System.IO.Path]::GetTempPath()) ('jelou-tplpre-' + [guid]::NewGuid().ToString('N'))
        $environment = Enter-JelouTestEnvironment -ConfigHome $configHome
        Import-Module (Get-JelouModulePath) -Force
        $fake = Start-FakeJelouApi

        function Complete([string] $Line) {
            @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
        Exit-JelouTestEnvironment $environment -SessionProfile 'envios'
        Remove-Item -LiteralPath $configHome -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'completes nothing, with no error and no request, without a credential' {
        $Error.Clear()

        $matches = Complete "Send-JelouTemplate -BotId bot1 -BaseUri $($fake.BaseUri) -TemplateName reco"

        $matches.Count | Should -Be 0
        $Error.Count | Should -Be 0
        (Get-FakeLedger $fake).totalRequests | Should -Be 0
    }

    It 'completes template names from the fake''s listing with a credential' {
        Set-JelouCredential -Name 'envios' -Credential $fake.Credential -BaseUri $fake.BaseUri

        $reco = Complete 'Send-JelouTemplate -BotId bot1 -CredentialName envios -TemplateName reco'
        $alias = Complete 'Send-JelouTemplate -BotId bot1 -CredentialName envios -Plantilla fac'
        $all = Complete 'Send-JelouTemplate -BotId bot1 -CredentialName envios -UserId 593991200041 -TemplateName '

        @($reco.CompletionText) | Should -Be @('recordatorio_pago')
        @($alias.CompletionText) | Should -Be @('factura_pdf')
        @($all.CompletionText) | Should -Contain 'promo_imagen'
        @($all.CompletionText) | Should -Contain 'codigo_verificacion'
    }

    It 'completes nothing, with no error, when the listing is forbidden' {
        $null = Set-FakeFaults $fake @{ forbidTemplateListing = $true }
        $Error.Clear()

        $matches = Complete 'Send-JelouTemplate -BotId bot1 -CredentialName envios -TemplateName reco'

        $matches.Count | Should -Be 0
        $Error.Count | Should -Be 0
    }
}

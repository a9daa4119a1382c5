#Requires -Version 5.1
# Send-JelouTemplate against the fake's HSM endpoint: a 1,000-row mail merge from a CSV with Spanish names, by a
# delay-bind script block and by param1..paramN columns; rows with bad values Skipped and never sent; -WhatIf on the
# whole file; a missing template stopping the batch; the report round trip; the views.
# The fake sends from its template catalogue (tests/Jelou.FakeApi/FakeTemplates.cs): recordatorio_pago has 2 variables.
# The pre-flight against that catalogue has its own file, TemplatePreflight.Tests.ps1.

Describe 'Send-JelouTemplate' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        $fake = Start-FakeJelouApi
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }

        $nombres = 'José Núñez', 'María Peña', 'Begoña Ibáñez', 'Íñigo Muñoz', 'Zoë Güemes', 'Ramón Añez', 'Ángela Castaño', 'Óscar Díaz'
        $lines = [System.Collections.Generic.List[string]]::new()
        $lines.Add('telefono,nombre,monto,param1,param2')
        $expected = @{}
        for ($i = 1; $i -le 1000; $i++) {
            $telefono = '5939910' + $i.ToString('00000')
            $nombre = $nombres[$i % $nombres.Count] + ' ' + $i
            $monto = '{0},{1:00}' -f ($i * 3), ($i % 100)
            $lines.Add(('{0},{1},"{2}",{1},"{2}"' -f $telefono, $nombre, $monto))
            $expected[$telefono] = @($nombre, $monto)
        }

        $csvPath = Join-Path $TestDrive 'clientes.csv'
        ConvertTo-Utf8BomFile -Path $csvPath -Text ($lines -join "`n")

        function Get-HsmBodies {
            param($Fake)
            @((Get-FakeLedger $Fake).entries | Sort-Object -Property sequence | ForEach-Object {
                    [pscustomobject]@{ Entry = $_; Body = ($_.body | ConvertFrom-Json) }
                })
        }

        function Assert-MailMerge {
            param($Results)
            $Results.Count | Should -Be 1000
            @($Results | Where-Object Status -ne 'Sent').Count | Should -Be 0
            $bodies = Get-HsmBodies $fake
            $bodies.Count | Should -Be 1000
            # One Should for all rows: a thousand Should calls cost more than the sends.
            $ids = @{}
            $wrong = [System.Collections.Generic.List[string]]::new()
            foreach ($b in $bodies) {
                $e = $b.Entry
                if ($e.endpoint -ne 'hsm' -or $b.Body.elementName -cne 'recordatorio_pago' -or $b.Body.language -cne 'es' -or
                    (@($b.Body.destinations) -join ',') -ne $e.userId -or (@($b.Body.parameters) -join '|') -cne ($expected[$e.userId] -join '|')) {
                    $wrong.Add("sent: $($e.body)")
                }

                $ids[$e.userId] = $e.messageId
            }

            foreach ($r in $Results) {
                if ($r.MessageId -ne $ids[$r.UserId] -or ($r.Parameters -join '|') -cne ($expected[$r.UserId] -join '|')) {
                    $wrong.Add("result: row $($r.Row) $($r.UserId) $($r.MessageId)")
                }
            }

            $wrong | Should -BeNullOrEmpty
            $ids.Count | Should -Be 1000
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    Context 'a mail merge of 1,000 rows' {
        It 'sends every row with a delay-bind script block, each with its own values and message id' {
            Reset-FakeJelouApi $fake
            $results = @(Import-Csv -Path $csvPath | Select-Object telefono, nombre, monto |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -Parameter { $_.nombre, $_.monto } @conn -ErrorAction Stop)

            Assert-MailMerge $results
            $results[0].GetType().FullName | Should -Be 'Jelou.Results.JelouTemplateResult'
            $results[0].TemplateName | Should -Be 'recordatorio_pago'
            $results[0].BotId | Should -Be 'bot1'
        }

        It 'sends every row from its param1, param2 columns when -Parameter is not given' {
            Reset-FakeJelouApi $fake
            $results = @(Import-Csv -Path $csvPath | Select-Object telefono, param1, param2 |
                    Send-JelouTemplate -BotId 'bot1' -Plantilla recordatorio_pago -Idioma es @conn -ErrorAction Stop)

            Assert-MailMerge $results
        }

        It 'sends nothing with -WhatIf on the whole file, and needs no credential' {
            Reset-FakeJelouApi $fake
            $results = @(Import-Csv -Path $csvPath |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -Parameter { $_.nombre, $_.monto } -BaseUri $fake.BaseUri -WhatIf -ErrorAction Stop)

            $results.Count | Should -Be 1000
            @($results | Where-Object Status -ne 'WhatIf').Count | Should -Be 0
            (Get-FakeLedger $fake).totalRequests | Should -Be 0
        }
    }

    Context 'rows that break a rule' {
        It 'Skips rows with an empty value or a gap in the columns, names them, and never sends them' {
            Reset-FakeJelouApi $fake
            $rows = @(
                [pscustomobject]@{ telefono = '593991100001'; param1 = 'Débora'; param2 = '10,00' }
                [pscustomobject]@{ telefono = '593991100002'; param1 = 'Édgar'; param2 = '  ' }
                [pscustomobject]@{ telefono = '593991100003'; param1 = 'Úrsula'; param3 = '5,00' }
                [pscustomobject]@{ telefono = ''; param1 = 'Álvaro'; param2 = '1,00' }
            )
            $errs = $null
            $results = @($rows | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago @conn -ErrorAction SilentlyContinue -ErrorVariable errs |
                    Sort-Object -Property Row)

            ($results | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Sent,Skipped,Skipped,Skipped'
            $errs.Count | Should -Be 3
            @($errs | ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*$' }) | Should -Be @('JelouInvalidInput', 'JelouInvalidInput', 'JelouInvalidInput')
            $errs[0].ErrorDetails.Message | Should -BeLike 'Row 2: parameters`[1`]: is empty; the value for {{2}}*'
            $errs[1].ErrorDetails.Message | Should -BeLike 'Row 3: param2: is missing*param3*'
            $errs[2].ErrorDetails.Message | Should -BeLike 'Row 4: userId: is empty*'
            @((Get-FakeLedger $fake).entries).Count | Should -Be 1
        }
    }

    Context 'a template the API does not have' {
        # -SkipTemplateCheck: the pre-flight would stop it before the first send; this is the API's own answer.
        It 'stops the batch at the first answer, with its own error id, and reports every row read' {
            Reset-FakeJelouApi $fake
            $results = [System.Collections.Generic.List[object]]::new()
            $errs = $null
            $stopped = $null
            try {
                Import-Csv -Path $csvPath | Select-Object -First 50 |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName no_existe -Parameter { $_.nombre } @conn -ThrottleLimit 1 -SkipTemplateCheck -ErrorAction SilentlyContinue -ErrorVariable errs |
                    ForEach-Object { $results.Add($_) }
            }
            catch {
                $stopped = $_
            }

            $stopped | Should -Not -BeNullOrEmpty
            $stopped.FullyQualifiedErrorId | Should -BeLike 'JelouBatchStopped*'
            $stopped.Exception.Message | Should -BeLike "*Template 'no_existe' does not exist for this bot or is not approved*"
            $results[0].Status | Should -Be 'Failed'
            $results[0].ErrorId | Should -Be 'JelouTemplateNotFound'
            $results.Count | Should -BeLessThan 50
            @($results | Where-Object Status -eq 'Sent').Count | Should -Be 0
            (Get-FakeLedger $fake).totalRequests | Should -Be 1
        }
    }

    Context 'the report round trip' {
        It 'resends the same template, number and values when failed results are piped back in' {
            Reset-FakeJelouApi $fake
            # By user id, not the queue: the pre-flight's template listing is the batch's first request.
            Add-FakeRule $fake @(@{ userId = '593991000001'; times = 1; response = @{ status = 422 } }, @{ userId = '593991000002'; times = 1; response = @{ status = 422 } })
            $report = @(Import-Csv -Path $csvPath | Select-Object -First 6 |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -Parameter { $_.nombre, $_.monto } @conn -ThrottleLimit 1 -ErrorAction SilentlyContinue |
                    Sort-Object -Property Row)
            ($report | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Failed,Failed,Sent,Sent,Sent,Sent'

            Reset-FakeJelouApi $fake
            $resent = @($report | Where-Object Status -ne 'Sent' | Send-JelouTemplate @conn -ThrottleLimit 1 -ErrorAction Stop)

            ($resent | ForEach-Object { [string]$_.Status }) -join ',' | Should -Be 'Sent,Sent'
            $bodies = Get-HsmBodies $fake
            ($bodies | ForEach-Object { $_.Entry.userId }) -join ',' | Should -Be '593991000001,593991000002'
            foreach ($b in $bodies) {
                $b.Body.elementName | Should -BeExactly 'recordatorio_pago'
                $b.Body.language | Should -BeExactly 'es'
                (@($b.Body.parameters) -join '|') | Should -BeExactly ($expected[$b.Entry.userId] -join '|')
            }

            $resent[0].InputObject.telefono | Should -Be '593991000001'
        }

        It 'resends a report kept with Export-Csv with its values, never the type name of its list' {
            Reset-FakeJelouApi $fake
            $reportPath = Join-Path $TestDrive 'informe.csv'
            Import-Csv -Path $csvPath | Select-Object -First 2 |
                Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Parameter { $_.nombre, $_.monto } @conn -WhatIf |
                Export-Csv -Path $reportPath -NoTypeInformation -Encoding UTF8

            $errs = $null
            $again = @(Import-Csv -Path $reportPath | Send-JelouTemplate @conn -ErrorAction SilentlyContinue -ErrorVariable errs)

            # The Parameters column is JSON array text (TemplateReportCsv.Tests.ps1 covers its escaping): the -WhatIf
            # report, piped back in, sends each row with its own values.
            $errs | Should -BeNullOrEmpty
            @($again | Where-Object Status -eq 'Sent').Count | Should -Be 2
            $bodies = Get-HsmBodies $fake
            $bodies.Count | Should -Be 2
            foreach ($b in $bodies) {
                (@($b.Body.parameters) -join '|') | Should -BeExactly ($expected[$b.Entry.userId] -join '|')
                $b.Entry.body | Should -Not -Match 'System\.String'
            }
        }
    }

    Context 'the views' {
        It 'shows Row, Status, UserId, TemplateName and Error in 80 columns, and every field in the list view' {
            $result = Send-JelouTemplate -BotId 'bot1' -UserId 593991100009 -TemplateName recordatorio_pago -Parameter 'Ana', '1,00' -BaseUri $fake.BaseUri -WhatIf
            $table = ($result | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
            $table[0] | Should -Match '^\s*Row\s+Status\s+UserId\s+TemplateName\s+Error\s*$'
            $table[2] | Should -Match 'WhatIf\s+593991100009\s+recordatorio_pago'
            $table | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }

            $list = $result | Format-List | Out-String
            foreach ($name in 'BotId', 'Language', 'Parameters', 'MessageId', 'Attempts', 'Duration', 'Content') {
                $list | Should -Match "(?m)^$name\s+:"
            }
        }
    }
    Context 'the send journal' {
        It 'a rerun with the same -JournalPath sends no template twice and reports the sent rows from the journal' {
            Reset-FakeJelouApi $fake
            $journal = Join-Path $TestDrive 'plantillas.jsonl'
            $rows = @(Import-Csv -Path $csvPath | Select-Object -First 20 telefono, param1, param2)
            $first = @($rows | Select-Object -First 12 | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -JournalPath $journal @conn -ErrorAction Stop)
            $first.Count | Should -Be 12

            $again = @($rows | Send-JelouTemplate -BotId 'bot1' -TemplateName recordatorio_pago -Language es -JournalPath $journal @conn -ErrorAction Stop)

            $again.Count | Should -Be 20
            @($again | Where-Object Status -ne 'Sent').Count | Should -Be 0
            @($again | Where-Object FromJournal).Count | Should -Be 12
            $ledger = @((Get-FakeLedger $fake).entries)
            $ledger.Count | Should -Be 20
            @($ledger.userId | Sort-Object -Unique).Count | Should -Be 20
            # Results come in completion order, so each journal row is matched to its first-run result by Row.
            $firstIds = @{}
            foreach ($result in $first) { $firstIds[$result.Row] = $result.MessageId }
            foreach ($result in @($again | Where-Object FromJournal)) {
                $result.MessageId | Should -Not -BeNullOrEmpty
                $result.MessageId | Should -Be $firstIds[$result.Row] -Because "row $($result.Row) was sent by the first run"
            }
        }

        It 'refuses a bot-message journal, naming the file, before anything is sent' {
            Reset-FakeJelouApi $fake
            $journal = Join-Path $TestDrive 'bot.jsonl'
            Send-JelouBotMessage -BotId 'bot1' -UserId '593991000001' -Text 'hola' -JournalPath $journal @conn -ErrorAction Stop | Out-Null
            Reset-FakeJelouApi $fake

            { Send-JelouTemplate -BotId 'bot1' -UserId '593991000001' -TemplateName recordatorio_pago -Language es -Parameter 'a', 'b' -JournalPath $journal @conn -ErrorAction Stop } |
                Should -Throw -ExpectedMessage "*bot.jsonl*"
            @((Get-FakeLedger $fake).entries).Count | Should -Be 0
        }
    }
}

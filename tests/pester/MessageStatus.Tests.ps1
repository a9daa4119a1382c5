#Requires -Version 5.1
# Get-JelouMessageStatus against the fake's notifications endpoint (tests/Jelou.FakeApi/FakeNotifications.cs), which
# reports the templates its HSM endpoint accepted. The fake is started with its status cycle given here: message msg_N
# (the ledger's entry N) has status $cycle[(N - 1) % $cycle.Count], so every expected status is computed from the ledger.
# The loop of issue 15: send, export the report, read it back through Get-JelouMessageStatus, group by Status, resend
# the FAILED ones; then the listing's filters and paging, lookups' concurrency and errors, and the table.

Describe 'Get-JelouMessageStatus' {
    BeforeAll {
        $ProgressPreference = 'SilentlyContinue'
        Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
        Import-Module (Get-JelouModulePath) -Force
        Set-JelouRequestContext -Reset

        $cycle = @('READ', 'DELIVERED_USER', 'FAILED', 'REPLY', 'DELIVERED_CHANNEL', 'READ', 'CREATED', 'FAILED')
        $fake = Start-FakeJelouApi -ArgumentList '--notification-statuses', ($cycle -join ',')
        $conn = @{ BaseUri = $fake.BaseUri; Credential = $fake.Credential }

        function Get-ExpectedStatus {
            # messageId -> the status the fake gives it, from the ledger's sequence numbers.
            $map = @{}
            foreach ($entry in @((Get-FakeLedger $fake).entries | Where-Object endpoint -eq 'hsm')) {
                $map[$entry.messageId] = $cycle[([long]$entry.sequence - 1) % $cycle.Count]
            }

            $map
        }

        function Get-NotificationRequests { @((Get-FakeLedger $fake -Attempts).attempts | Where-Object endpoint -eq 'notifications').Count }

        function Add-FakeRule {
            param([hashtable] $Rule)
            $rest = @{ ErrorAction = 'Stop' }
            if ($PSVersionTable.PSVersion.Major -ge 6) { $rest['NoProxy'] = $true } else { $rest['UseBasicParsing'] = $true }
            $body = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $Rule -Depth 5 -Compress))
            $null = Invoke-RestMethod -Uri ($fake.BaseUri.TrimEnd('/') + '/_fake/rules') -Method Post -Body $body -ContentType 'application/json; charset=utf-8' @rest
        }

        function Send-Rows {
            param([int] $Count, [string] $CampaignId, [string] $Template = 'recordatorio_pago', [string] $Prefix = '5939930')
            $rows = 1..$Count | ForEach-Object { [pscustomobject]@{ telefono = $Prefix + $_.ToString('00000'); nombre = "Cliente $_"; monto = "$_,50" } }
            $extra = @{}
            if ($CampaignId) { $extra['CampaignId'] = $CampaignId }
            if ($Template -eq 'recordatorio_pago') { $extra['Parameter'] = { $_.nombre, $_.monto } }
            $sent = @($rows | Send-JelouTemplate -BotId 'bot1' -TemplateName $Template @extra @conn)
            @($sent | Where-Object Status -ne 'Sent').Count | Should -Be 0 -Because 'the rows of this setup are all valid'
        }
    }

    AfterAll {
        Stop-FakeJelouApi $fake
    }

    Context 'the report loop: send, export, look up, group, resend' {
        BeforeEach {
            Reset-FakeJelouApi $fake
        }

        BeforeAll {
            $nombres = 'José Núñez', 'María Peña', 'Begoña Ibáñez', 'Íñigo Muñoz', 'Ángela Castaño'
            $lines = [System.Collections.Generic.List[string]]::new()
            $lines.Add('telefono,nombre,monto')
            for ($i = 1; $i -le 40; $i++) {
                # Rows 7 and 19 have no phone number: Skipped, never sent. Row 25's number is refused by the fake: Failed.
                $telefono = if ($i -in 7, 19) { '' } else { '5939940' + $i.ToString('00000') }
                $lines.Add(('{0},{1} {2},"{2},00"' -f $telefono, $nombres[$i % $nombres.Count], $i))
            }

            $clientesPath = Join-Path $TestDrive 'clientes.csv'
            ConvertTo-Utf8BomFile -Path $clientesPath -Text ($lines -join "`n")
            $reportPath = Join-Path $TestDrive 'reporte.csv'
            $refused = '593994000025'
        }

        It 'Group-Object Status of the looked-up report counts the fake''s statuses, each status joined to its row' {
            Add-FakeRule @{ userId = $refused; response = @{ status = 400; body = '{"message":["Invalid destination"],"status":"failed"}' } }
            Import-Csv $clientesPath -Encoding utf8 |
                Send-JelouTemplate -BotId 'bot1' -TemplateName 'recordatorio_pago' -Language es -Parameter { $_.nombre, $_.monto } @conn -ErrorAction SilentlyContinue |
                Export-Csv $reportPath -NoTypeInformation -Encoding utf8
            $report = @(Import-Csv $reportPath -Encoding utf8)
            @($report | Where-Object Status -eq 'Sent').Count | Should -Be 37
            $expected = Get-ExpectedStatus

            $errors = $null
            $all = @(Import-Csv $reportPath -Encoding utf8 | Get-JelouMessageStatus @conn -Verbose -ErrorVariable errors 4>&1)
            $statuses = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

            $errors | Should -BeNullOrEmpty
            $statuses.Count | Should -Be 37
            $statuses | ForEach-Object { $_.GetType().FullName | Should -Be 'Jelou.Notifications.JelouMessageStatus' }
            $funnel = ($statuses | Group-Object Status | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }) -join ' '
            $wanted = ($report | Where-Object Status -eq 'Sent' | ForEach-Object { $expected[$_.MessageId] } | Group-Object | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, $_.Count }) -join ' '
            $funnel | Should -Be $wanted
            @($statuses | Group-Object Status).Count | Should -BeGreaterThan 3 -Because 'the fake gives a mix of statuses'

            $wrong = foreach ($s in $statuses) {
                $line = $report[$s.Position - 1]
                if ($s.Status -ne $expected[$s.MessageId] -or $line.MessageId -ne $s.MessageId -or [string]$s.Row -ne $line.Row -or
                    $s.InputObject.MessageId -ne $s.MessageId -or $s.UserId -ne $line.UserId -or $s.BotId -ne 'bot1' -or
                    $s.TemplateName -ne 'recordatorio_pago' -or $s.Read -ne ($s.Status -in 'READ', 'REPLY')) {
                    "position $($s.Position): $($s.MessageId) $($s.Status) row $($s.Row)"
                }
            }

            $wrong | Should -BeNullOrEmpty
            ($statuses.Position | Sort-Object) -join ',' | Should -Be ((1..40 | Where-Object { $report[$_ - 1].MessageId }) -join ',')

            # The three rows that were never sent are passed over, each with a Verbose line naming it and its send Status.
            $passed = @($verbose | Where-Object { $_ -like '*has no MessageId*' })
            $passed.Count | Should -Be 3
            foreach ($row in $report | Where-Object { -not $_.MessageId }) {
                $position = [array]::IndexOf($report, $row) + 1
                $passed | Where-Object { $_ -like "Input $position *Status is $($row.Status))*" } | Should -Not -BeNullOrEmpty -Because ($passed -join "`n")
            }

            @($report | Where-Object { -not $_.MessageId }).Status | Sort-Object | Should -Be @('Failed', 'Skipped', 'Skipped')
        }

        It 'resends the FAILED ones with Send-JelouTemplate, joined back to the customer file by Row' {
            Import-Csv $clientesPath -Encoding utf8 |
                Send-JelouTemplate -BotId 'bot1' -TemplateName 'recordatorio_pago' -Language es -Parameter { $_.nombre, $_.monto } @conn -ErrorAction SilentlyContinue |
                Export-Csv $reportPath -NoTypeInformation -Encoding utf8
            $clientes = @(Import-Csv $clientesPath -Encoding utf8)
            $failed = @(Import-Csv $reportPath -Encoding utf8 | Get-JelouMessageStatus @conn | Where-Object Status -eq 'FAILED')
            $failed.Count | Should -BeGreaterThan 0
            $before = @((Get-FakeLedger $fake).entries).Count

            $resent = @($failed | ForEach-Object { $clientes[$_.Row - 1] } |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName 'recordatorio_pago' -Language es -Parameter { $_.nombre, $_.monto } @conn)

            $resent.Count | Should -Be $failed.Count
            @($resent | Where-Object Status -ne 'Sent').Count | Should -Be 0
            ($resent.UserId | Sort-Object) -join ',' | Should -Be (($failed.UserId | Sort-Object) -join ',')
            $new = @((Get-FakeLedger $fake).entries | Select-Object -Skip $before)
            $new.Count | Should -Be $failed.Count
            foreach ($entry in $new) {
                $cliente = $clientes | Where-Object telefono -eq $entry.userId
                (($entry.body | ConvertFrom-Json).parameters -join '|') | Should -BeExactly ($cliente.nombre + '|' + $cliente.monto)
            }

            # The resent ones have statuses of their own, looked up the same way.
            $again = @($resent | Get-JelouMessageStatus @conn)
            $again.Count | Should -Be $resent.Count
            $expected = Get-ExpectedStatus
            $again | ForEach-Object { $_.Status | Should -Be $expected[$_.MessageId] }
        }

        It 'a report still in memory keeps each result in InputObject, and piping it back resends the same template' {
            $informe = @(1..6 | ForEach-Object { [pscustomobject]@{ telefono = '5939950' + $_.ToString('00000'); nombre = "Ana $_"; monto = "$_,00" } } |
                    Send-JelouTemplate -BotId 'bot1' -TemplateName 'recordatorio_pago' -Parameter { $_.nombre, $_.monto } @conn)
            $failed = @($informe | Get-JelouMessageStatus @conn | Where-Object Status -eq 'FAILED')
            $failed.Count | Should -BeGreaterThan 0
            $failed | ForEach-Object { $_.InputObject.GetType().FullName | Should -Be 'Jelou.Results.JelouTemplateResult' }

            $resent = @($failed | ForEach-Object InputObject | Send-JelouTemplate @conn)

            @($resent | Where-Object Status -eq 'Sent').Count | Should -Be $failed.Count
            ($resent.Parameters | ForEach-Object { $_ }) -join '|' | Should -Be (($failed.InputObject.Parameters | ForEach-Object { $_ }) -join '|')
        }
    }

    Context 'a listing by campaign, template and time' {
        BeforeAll {
            Reset-FakeJelouApi $fake
            Send-Rows -Count 5 -CampaignId 'camp-a' -Prefix '5939960'
            Start-Sleep -Milliseconds 300
            $between = Get-Date
            Start-Sleep -Milliseconds 300
            Send-Rows -Count 4 -CampaignId 'camp-b' -Template 'bienvenida_cliente' -Prefix '5939970'
            $sentA = @((Get-FakeLedger $fake).entries | Where-Object { $_.userId -like '5939960*' }).messageId
            $sentB = @((Get-FakeLedger $fake).entries | Where-Object { $_.userId -like '5939970*' }).messageId
        }

        # These read what BeforeAll sent: no reset between them.

        It '-CampaignId lists only that campaign''s messages' {
            $camp = @(Get-JelouMessageStatus -BotId 'bot1' -CampaignId 'camp-a' @conn)

            ($camp.MessageId | Sort-Object) -join ',' | Should -Be (($sentA | Sort-Object) -join ',')
            $camp | ForEach-Object { $_.CampaignId | Should -Be 'camp-a'; $_.TemplateName | Should -Be 'recordatorio_pago'; $_.Position | Should -BeNullOrEmpty }
        }

        It '-TemplateName lists only that template''s messages' {
            $bienvenida = @(Get-JelouMessageStatus -BotId 'bot1' -TemplateName 'bienvenida_cliente' @conn)

            ($bienvenida.MessageId | Sort-Object) -join ',' | Should -Be (($sentB | Sort-Object) -join ',')
        }

        It '-From and -To, local times, split the two sends' {
            $later = @(Get-JelouMessageStatus -BotId 'bot1' -From $between @conn)
            $earlier = @(Get-JelouMessageStatus -BotId 'bot1' -To $between @conn)
            $both = @(Get-JelouMessageStatus -BotId 'bot1' -From $between.AddMinutes(-10) -To $between.AddMinutes(10) @conn)

            ($later.MessageId | Sort-Object) -join ',' | Should -Be (($sentB | Sort-Object) -join ',')
            ($earlier.MessageId | Sort-Object) -join ',' | Should -Be (($sentA | Sort-Object) -join ',')
            $both.Count | Should -Be 9
        }

        It 'a -From after -To is refused before any request, naming both' {
            $requests = Get-NotificationRequests

            $failure = { Get-JelouMessageStatus -BotId 'bot1' -From $between -To $between.AddDays(-1) @conn } | Should -Throw -ErrorId 'JelouInvalidTimeRange,Jelou.PowerShell.Commands.GetJelouMessageStatusCommand' -PassThru

            $failure.Exception.Message | Should -BeLike '*-From*is after -To*'
            Get-NotificationRequests | Should -Be $requests
        }
    }

    Context 'paging' {
        BeforeAll {
            Reset-FakeJelouApi $fake
            Send-Rows -Count 120 -Prefix '5939980'
        }

        It 'streams every page of a long listing, 50 at a time' {
            $requests = Get-NotificationRequests

            $all = @(Get-JelouMessageStatus -BotId 'bot1' @conn)

            $all.Count | Should -Be 120
            @($all.MessageId | Select-Object -Unique).Count | Should -Be 120
            (Get-NotificationRequests) - $requests | Should -Be 3
        }

        It '-First reads only the pages it needs, -Skip passes over whole pages unread' {
            $requests = Get-NotificationRequests
            $first = @(Get-JelouMessageStatus -BotId 'bot1' -First 5 @conn)
            (Get-NotificationRequests) - $requests | Should -Be 1
            $all = @(Get-JelouMessageStatus -BotId 'bot1' @conn)
            $requests = Get-NotificationRequests

            $page3 = @(Get-JelouMessageStatus -BotId 'bot1' -Skip 100 -First 10 @conn)

            $first.Count | Should -Be 5
            $first.MessageId -join ',' | Should -Be (($all | Select-Object -First 5).MessageId -join ',')
            $page3.MessageId -join ',' | Should -Be (($all | Select-Object -Skip 100 -First 10).MessageId -join ',')
            (Get-NotificationRequests) - $requests | Should -Be 1
        }

        It '-IncludeTotalCount writes the API''s total first' {
            $total = @(Get-JelouMessageStatus -BotId 'bot1' -IncludeTotalCount -First 0 @conn)

            $total.Count | Should -Be 1
            $total[0].ToString() | Should -BeLike '*120*'
        }

        It 'paging a lookup by -MessageId is refused with the alternative' {
            { Get-JelouMessageStatus -BotId 'bot1' -MessageId 'msg_1' -First 1 @conn } | Should -Throw -ErrorId 'JelouPagingWithMessageId,Jelou.PowerShell.Commands.GetJelouMessageStatusCommand'
        }
    }

    Context 'lookups' {
        BeforeEach {
            Reset-FakeJelouApi $fake
        }

        It 'runs at most -ThrottleLimit lookups at once, and uses them' {
            # Sent one at a time, so the ledger's highest concurrency is the lookups'.
            $rows = 1..24 | ForEach-Object { [pscustomobject]@{ telefono = '5939990' + $_.ToString('00000'); nombre = "N $_"; monto = '1,00' } }
            $sent = @($rows | Send-JelouTemplate -BotId 'bot1' -TemplateName 'recordatorio_pago' -Parameter { $_.nombre, $_.monto } -ThrottleLimit 1 @conn)
            $null = Set-FakeFaults $fake @{ latencyMs = 150 }

            $statuses = @($sent | Get-JelouMessageStatus -ThrottleLimit 4 @conn)

            $statuses.Count | Should -Be 24
            (Get-FakeLedger $fake).maxInFlight | Should -Be 4
            ($statuses.Position | Sort-Object) -join ',' | Should -Be ((1..24) -join ',')
        }

        It 'ids given on the command line are looked up in order of Position; an unknown id is a non-terminating error naming it' {
            Send-Rows -Count 3 -Prefix '5939991'
            $ids = @((Get-FakeLedger $fake).entries.messageId)

            $errors = $null
            $statuses = @(Get-JelouMessageStatus -BotId 'bot1' -MessageId $ids[2], 'msg_999999', $ids[0] @conn -ErrorVariable errors -ErrorAction SilentlyContinue)

            ($statuses | Sort-Object Position | ForEach-Object { '{0}:{1}' -f $_.Position, $_.MessageId }) -join ',' | Should -Be "1:$($ids[2]),3:$($ids[0])"
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -Be 'JelouMessageStatusNotFound,Jelou.PowerShell.Commands.GetJelouMessageStatusCommand'
            $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errors[0].Exception.Message | Should -BeLike "Input 2: *'msg_999999'*'bot1'*"
        }

        It 'bad credentials stop the lookups with one terminating error' {
            Send-Rows -Count 3 -Prefix '5939992'
            $ids = @((Get-FakeLedger $fake).entries.messageId)
            Add-FakeResponse $fake @{ status = 401; body = '{"message":"Authentication failed"}' }

            $failure = { Get-JelouMessageStatus -BotId 'bot1' -MessageId $ids -ThrottleLimit 1 @conn } | Should -Throw -PassThru

            $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        }

        It 'a lookup is retried after a server error' {
            Send-Rows -Count 1 -Prefix '5939993'
            $id = @((Get-FakeLedger $fake).entries.messageId)[0]
            Add-FakeResponse $fake @{ status = 500 }

            $status = Get-JelouMessageStatus -BotId 'bot1' -MessageId $id -RetryIntervalSec 1 @conn

            $status.MessageId | Should -Be $id
            Get-NotificationRequests | Should -Be 2
        }
    }

    Context 'the table' {
        BeforeEach {
            Reset-FakeJelouApi $fake
        }

        It 'fits 80 columns with every header whole' {
            Send-Rows -Count 6 -Prefix '5939994'

            $lines = @((Get-JelouMessageStatus -BotId 'bot1' @conn | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })

            $lines[0] | Should -Match '^Position\s+Status\s+Read\s+UserId\s+TemplateName\s+MessageId\s*$'
            foreach ($line in $lines) {
                $line.Length | Should -BeLessOrEqual 80 -Because "the table fits 80 columns: '$line'"
            }

            # The fake numbers ids by arrival and the six go out concurrently: msg_1 is one of them, not always the first.
            $lines | Where-Object { $_ -match '^\s+(READ|REPLY)\s+True\s+5939994000\d\d\s+recordatorio_pago\s+msg_1\s*$' } | Should -Not -BeNullOrEmpty -Because ($lines -join "`n")
        }
    }

    Context 'help' {
        It 'shows the delivery funnel with Group-Object Status' {
            $examples = Get-Help Get-JelouMessageStatus -Examples | Out-String

            $examples | Should -BeLike '*Import-Csv*Get-JelouMessageStatus | Group-Object Status*'
        }
    }
}

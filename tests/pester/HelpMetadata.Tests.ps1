#Requires -Version 5.1
# The syntax and parameter metadata that Get-Help shows are generated from the assembly by Jelou.HelpBuilder. Here they
# are checked against what PowerShell's own binder reports for the imported cmdlets (Get-Command), an independent
# reading of the same attributes, and each documented default against the value a new cmdlet object starts with.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
    $cmdletNames = @((Import-PowerShellDataFile -Path (Get-JelouModulePath)).CmdletsToExport)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'JelouTestHelpers.psm1') -Force
    $savedModulePath = Import-JelouModuleFromPath

    $script:common = @([System.Management.Automation.PSCmdlet]::CommonParameters)

    function Get-HelpTypeName([type] $Type) {
        # How Get-Help names a type: String, String[], Double for double?, SwitchParameter.
        if ($Type.IsArray) { return (Get-HelpTypeName $Type.GetElementType()) + '[]' }
        $underlying = [Nullable]::GetUnderlyingType($Type)
        if ($underlying) { return $underlying.Name }
        return $Type.Name
    }

    function Get-DocumentedParameter([System.Management.Automation.CommandInfo] $Command) {
        # Every parameter but the common ones; -WhatIf and -Confirm are documented too.
        @($Command.Parameters.Values | Where-Object { $script:common -notcontains $_.Name })
    }

    function Test-DontShow([System.Management.Automation.ParameterMetadata] $Parameter) {
        [bool]@($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }).Count
    }
}

AfterAll {
    $env:PSModulePath = $savedModulePath
}

Describe 'Generated help of <_> matches the cmdlet' -ForEach $cmdletNames {
    BeforeAll {
        $name = $_
        $command = Get-Command -Name $name -CommandType Cmdlet
    }

    It 'describes each parameter with the type, aliases, position, pipeline input and wildcards the binder uses' {
        $problems = foreach ($parameter in Get-DocumentedParameter $command) {
            $help = Get-Help -Name $name -Parameter $parameter.Name
            $sets = @($parameter.ParameterSets.Values)
            $positions = @($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object { [string]$_.Position })
            $byValue = [bool]@($sets | Where-Object ValueFromPipeline).Count
            $byName = [bool]@($sets | Where-Object ValueFromPipelineByPropertyName).Count
            $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
            $aliases = if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }
            $wildcards = [bool]@($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count
            $expected = [ordered]@{
                type          = Get-HelpTypeName $parameter.ParameterType
                required      = ([bool]@($sets | Where-Object IsMandatory).Count).ToString().ToLowerInvariant()
                pipelineInput = $pipeline
                aliases       = $aliases
                globbing      = $wildcards.ToString().ToLowerInvariant()
            }
            $actual = [ordered]@{
                type          = [string]$help.type.name
                required      = [string]$help.required
                pipelineInput = [string]$help.pipelineInput
                aliases       = [string]$help.aliases
                globbing      = [string]$help.globbing
            }
            foreach ($key in $expected.Keys) {
                if ($expected[$key] -ne $actual[$key]) { "-$($parameter.Name) ${key}: help '$($actual[$key])', binder '$($expected[$key])'" }
            }

            $position = [string]$help.position
            if (($positions.Count -eq 0 -and $position -ne 'named') -or ($positions.Count -gt 0 -and $positions -notcontains $position)) {
                "-$($parameter.Name) position: help '$position', binder '$($positions -join ',')'"
            }
        }

        $problems | Should -BeNullOrEmpty
    }

    It 'shows one syntax per parameter set, the default first, each with the visible parameters of the set' {
        $items = @((Get-Help -Name $name).syntax.syntaxItem)
        $items.Count | Should -Be $command.ParameterSets.Count
        $problems = for ($i = 0; $i -lt $command.ParameterSets.Count; $i++) {
            $set = $command.ParameterSets[$i]
            $visible = @($set.Parameters | Where-Object { $script:common -notcontains $_.Name -and -not (Test-DontShow $command.Parameters[$_.Name]) })
            $wanted = (@($visible | ForEach-Object { $_.Name }) | Sort-Object) -join ' '
            $index = -1
            for ($j = 0; $j -lt $items.Count -and $index -lt 0; $j++) {
                $listed = (@($items[$j].parameter | Where-Object { $_ } | ForEach-Object { [string]$_.name }) | Sort-Object) -join ' '
                if ($listed -eq $wanted) { $index = $j }
            }

            if ($index -lt 0) {
                "set '$($set.Name)': no syntax lists exactly '$wanted'"
                continue
            }

            if ($set.IsDefault -and $index -ne 0) {
                "set '$($set.Name)' is the default but its syntax is not the first"
            }

            foreach ($shown in @($items[$index].parameter | Where-Object { $_ })) {
                $declared = $visible | Where-Object Name -eq $shown.name
                $required = $declared.IsMandatory.ToString().ToLowerInvariant()
                $position = if ($declared.Position -ge 0) { [string]$declared.Position } else { 'named' }
                if ([string]$shown.required -ne $required) { "set '$($set.Name)' -$($shown.name): required '$($shown.required)' in the syntax, '$required' in the set" }
                if ([string]$shown.position -ne $position) { "set '$($set.Name)' -$($shown.name): position '$($shown.position)' in the syntax, '$position' in the set" }
            }
        }

        $problems | Should -BeNullOrEmpty
    }

    It 'documents as default value what a new cmdlet object starts with' {
        # [PSDefaultValue(Help = ...)] is prose beside the property's initializer; this catches one changed without
        # the other. Only values other than the type's own default can be checked (an unset 0 or $null may mean
        # 'the session default' or 'all').
        $instance = New-Object -TypeName $command.ImplementingType.FullName
        $problems = foreach ($parameter in Get-DocumentedParameter $command) {
            $property = $command.ImplementingType.GetProperty($parameter.Name)
            if ($null -eq $property) { continue }
            $value = $property.GetValue($instance)
            if ($null -eq $value -or $value -is [System.Management.Automation.SwitchParameter] -or $value -is [System.Management.Automation.PSCredential] -or $value -is [System.Security.SecureString]) { continue }
            $type = if ($value.GetType().IsValueType) { $value.GetType() } else { $null }
            if ($type -and $value -eq [Activator]::CreateInstance($type)) { continue }
            $text = if ($value -is [array]) { $value -join ', ' } else { [string]$value }
            if ($text.Length -eq 0) { continue }
            $documented = [string](Get-Help -Name $name -Parameter $parameter.Name).defaultValue
            if ($documented -ne $text -and -not $documented.StartsWith($text + ' ')) {
                "-$($parameter.Name) starts as '$text' but the help says '$documented'"
            }
        }

        $problems | Should -BeNullOrEmpty
    }
}

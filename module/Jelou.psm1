# Loads the Jelou cmdlets so their dependencies cannot collide with other modules' copies.
# PowerShell 7: the cmdlet assembly and its dependencies live in a private AssemblyLoadContext
# (bin/Jelou.LoadContext.dll). Windows PowerShell 5.1: the cmdlet assembly is loaded from dependencies/
# and its own AssemblyResolve handler serves only our dependencies from that folder.

$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core
$dependencies = [System.IO.Path]::Combine($PSScriptRoot, 'dependencies')

if ($PSEdition -eq 'Core') {
    $isReload = $true
    if (-not ('Jelou.LoadContext.JelouLoadContext' -as [type])) {
        $isReload = $false
        Add-Type -Path ([System.IO.Path]::Combine($PSScriptRoot, 'bin', 'Jelou.LoadContext.dll'))
    }

    $moduleAssembly = [Jelou.LoadContext.JelouLoadContext]::Initialize($dependencies)
    $innerModule = & $importModule -Assembly $moduleAssembly -PassThru:$isReload
}
else {
    $innerModule = & $importModule -Name ([System.IO.Path]::Combine($dependencies, 'Jelou.PowerShell.dll')) -ErrorAction Stop -PassThru
}

if ($innerModule) {
    # On a re-import, Import-Module -Assembly returns the cached module without adding its cmdlets to this
    # module's exports (PowerShell issue 20710); add them explicitly.
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet',
        [System.Reflection.BindingFlags]'Instance, NonPublic'
    )
    foreach ($command in $innerModule.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $command))
    }
}

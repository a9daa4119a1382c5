#!/usr/bin/env python3
"""Adds up every test result file of a run (xunit TRX and Pester NUnit XML) into one closing line.

CI reads only the last line, 'N passed, N failed' alone, so it must count xunit and Pester together;
skipped tests are reported on the line before it.
"""
import glob
import sys
import xml.etree.ElementTree as ET


def trx_counts(path):
    root = ET.parse(path).getroot()
    counters = root.find('.//{*}ResultSummary/{*}Counters')
    if counters is None:
        raise ValueError(f'{path}: no ResultSummary/Counters')
    passed = int(counters.get('passed', 0))
    failed = int(counters.get('failed', 0)) + int(counters.get('error', 0)) + int(counters.get('timeout', 0)) + int(counters.get('aborted', 0))
    # xunit leaves skipped tests out of 'executed' without counting them anywhere else.
    skipped = max(int(counters.get('total', 0)) - int(counters.get('executed', 0)), int(counters.get('notExecuted', 0)))
    return passed, failed, skipped


def nunit_counts(path):
    root = ET.parse(path).getroot()
    if root.tag != 'test-results':
        raise ValueError(f'{path}: not an NUnit 2.5 report')
    # Counted per test case: the summary attributes differ between Pester versions in whether skipped tests are in 'total'.
    passed = failed = skipped = 0
    for case in root.iter('test-case'):
        result = case.get('result', '')
        if result == 'Success':
            passed += 1
        elif result in ('Failure', 'Error'):
            failed += 1
        else:
            skipped += 1
    # A failure outside any test (a broken BeforeAll, a file that does not parse) has no test case of its own.
    failed = max(failed, int(root.get('failures', 0)) + int(root.get('errors', 0)))
    return passed, failed, skipped


def main(results_dir, expect_pester):
    passed = failed = skipped = 0
    files = sorted(glob.glob(f'{results_dir}/**/*.trx', recursive=True))
    pester = sorted(glob.glob(f'{results_dir}/**/pester*.xml', recursive=True))
    for path in files:
        p, f, s = trx_counts(path)
        print(f'  {path}: {p} passed, {f} failed, {s} skipped')
        passed, failed, skipped = passed + p, failed + f, skipped + s
    for path in pester:
        p, f, s = nunit_counts(path)
        print(f'  {path}: {p} passed, {f} failed, {s} skipped (Pester)')
        passed, failed, skipped = passed + p, failed + f, skipped + s
    if not files:
        print('  no xunit results were found', file=sys.stderr)
        failed += 1
    if expect_pester and not pester:
        print('  Pester ran but wrote no results (counted as one failure)', file=sys.stderr)
        failed += 1
    print(f'  {skipped} skipped')
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if a != '--expect-pester']
    sys.exit(main(args[0] if args else 'TestResults', '--expect-pester' in sys.argv[1:]))

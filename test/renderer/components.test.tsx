import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessTreeData } from '../../contract/schemas/investigate';
import { Annotations } from '../../renderer/src/components/Annotations';
import { PaletteView } from '../../renderer/src/components/CommandPalette';
import { ProcessTreeView } from '../../renderer/src/components/ProcessTreeView';
import { SyncFinished, SyncProgressView } from '../../renderer/src/pages/SyncPage';
import { applyTheme, usePreferences } from '../../renderer/src/stores/preferences';
import { formatEta, selectOnline, selectPercent, useSync } from '../../renderer/src/stores/sync';
import { fakeApi, install } from './fake-api';

afterEach(cleanup);


const node = (processId: number, fileName: string, children: ProcessTreeData['root'][] = []): ProcessTreeData['root'] => ({
  processId, creationTime: `2026-01-0${processId % 9}T00:00:00.0000000Z`, fileName, commandLine: `${fileName} /x`, sha1: 'a'.repeat(40), accountName: 'mchen', timestamp: null, children, moreChildren: false,
});

describe('ProcessTreeView', () => {
  it('nests ancestors, marks the focus process, and links each process and image', () => {
    const tree: ProcessTreeData = {
      deviceId: 'dev1',
      root: node(1, 'OUTLOOK.EXE', [node(2, 'WINWORD.EXE', [node(3, 'powershell.exe', [node(4, 'csc.exe')])])]),
      focus: { processId: 3, creationTime: '2026-01-03T00:00:00.0000000Z' },
    };
    render(<ProcessTreeView tree={tree} label="Story" />);
    const items = screen.getAllByRole('treeitem');
    expect(items.map((i) => i.getAttribute('data-file'))).toEqual(['OUTLOOK.EXE', 'WINWORD.EXE', 'powershell.exe', 'csc.exe']);
    expect(items.map((i) => i.getAttribute('aria-level'))).toEqual(['1', '2', '3', '4']);
    expect(screen.getByRole('treeitem', { current: true }).getAttribute('data-file')).toBe('powershell.exe');
    expect(screen.getByRole('link', { name: 'powershell.exe (3)' }).getAttribute('href')).toBe('/processes/dev1/3/2026-01-03T00%3A00%3A00.0000000Z');
    expect(screen.getAllByRole('link', { name: 'file' })[0]!.getAttribute('href')).toBe(`/files/${'a'.repeat(40)}`);
  });
});

describe('PaletteView', () => {
  it('is a labelled combobox whose options are grouped by entity type', () => {
    const groups = [
      { group: 'file' as const, hits: [{ label: 'OneDriveUpdater.exe', detail: 'abc', entity: { type: 'file' as const, key: 'abc' } }] },
      { group: 'ip' as const, hits: [{ label: '203.0.113.45', detail: null, entity: { type: 'ip' as const, key: '203.0.113.45' } }] },
    ];
    const opened: string[] = [];
    render(<PaletteView query="x" groups={groups} active={1} busy={false} onQuery={() => undefined} onKey={() => undefined} onOpen={(h) => opened.push(h.entity.key)} onClose={() => undefined} />);
    const box = screen.getByRole('combobox', { name: /Search for a hash/ });
    expect(document.activeElement).toBe(box);
    expect(box.getAttribute('aria-activedescendant')).toBe('palette-hit-1');
    expect(screen.getByRole('group', { name: 'Files' })).toBeTruthy();
    expect(screen.getByRole('option', { selected: true }).textContent).toContain('203.0.113.45');
    fireEvent.mouseDown(screen.getByRole('option', { name: /OneDriveUpdater/ }));
    expect(opened).toEqual(['abc']);
  });
});

describe('Annotations', () => {
  it('adds a tag and a note through the contract and shows them', async () => {
    const tags: string[] = [];
    const notes: Array<{ id: number; body: string; author: string | null; createdAt: string; updatedAt: string }> = [];
    const { api, calls } = fakeApi({
      'investigate.annotations': () => ({ tags: [...tags], notes: [...notes] }),
      'investigate.setTag': (r) => {
        tags.push((r as { tag: string }).tag);
        return { tags };
      },
      'investigate.addNote': (r) => {
        notes.push({ id: 1, body: (r as { body: string }).body, author: 'me', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
        return { id: 1 };
      },
    });
    install(api);
    render(<Annotations tenant="demo" entity={{ type: 'file', key: 'abc' }} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'New tag' }), { target: { value: 'malicious' } });
    fireEvent.click(screen.getByRole('button', { name: 'Tag' }));
    await screen.findByText('malicious');
    fireEvent.change(screen.getByRole('textbox', { name: 'Add a note' }), { target: { value: 'Cobalt Strike loader' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save note' }));
    await screen.findByText('Cobalt Strike loader');
    expect(calls.map((c) => c.channel)).toContain('investigate.setTag');
    expect(calls.find((c) => c.channel === 'investigate.addNote')?.request).toEqual({ tenant: 'demo', entity: { type: 'file', key: 'abc' }, body: 'Cobalt Strike loader' });
    expect(screen.getByRole('button', { name: 'Remove tag malicious' })).toBeTruthy();
  });
});

describe('sync panel and stores', () => {
  it('shows progress with rate and ETA, and cancels', () => {
    let cancelled = false;
    render(<SyncProgressView phase="hunting" detail="DeviceProcessEvents" done={500} expected={2000} rate={250} etaSeconds={6} percent={25} rowsWritten={1234} onCancel={() => (cancelled = true)} />);
    expect(screen.getByRole('progressbar').getAttribute('value')).toBe('25');
    expect(screen.getByRole('status').textContent).toContain('250 per second');
    expect(screen.getByRole('status').textContent).toContain('about 6 s left');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel sync' }));
    expect(cancelled).toBe(true);
  });

  it('names the scope entries nothing answered to after a sync, and says nothing when all matched', () => {
    const { unmount } = render(<SyncFinished finished={{ tenant: 'demo', ok: true, error: null, unmatched: ['group Finanse', 'machine ws-99'] }} />);
    expect(screen.getByRole('status').textContent).toBe('The last sync finished.');
    expect(screen.getByRole('alert').textContent).toContain('Check their spelling');
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['group Finanse', 'machine ws-99']);
    unmount();
    render(<SyncFinished finished={{ tenant: 'demo', ok: true, error: null, unmatched: [] }} />);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('derives percent, ETA text and the online state', () => {
    act(() => useSync.setState({ progress: { tenant: 'demo', phase: 'hunting', detail: null, done: 50, expected: 200, rate: 10, etaSeconds: 15, retries: 0, throttledSeconds: 0, rowsWritten: 0 }, networkOnline: true, finished: null, status: null }));
    expect(selectPercent(useSync.getState())).toBe(25);
    expect(formatEta(125)).toBe('2 min 5 s');
    expect(formatEta(null)).toBe('estimating…');
    expect(selectOnline(useSync.getState())).toBe(true);
    act(() => useSync.setState({ finished: { tenant: 'demo', ok: false, error: { code: 'NETWORK', message: 'down' }, unmatched: [] } }));
    expect(selectOnline(useSync.getState())).toBe(false);
  });

  it('sets the theme as an attribute on <html>, not an inline style', () => {
    act(() => usePreferences.getState().setTheme('dark'));
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(document.documentElement.getAttribute('style')).toBeNull();
    applyTheme('system');
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
  });
});

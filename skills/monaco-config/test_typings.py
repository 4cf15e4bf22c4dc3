"""The options monaco-config emits, checked against monaco-editor's own type definitions.

Needs the npm package: MONACO_EDITOR_DIR names its folder (the build installs the pinned version
from ../typings/package-lock.json into ../target/typings). Without it these tests are skipped.
"""

import glob
import json
import os
import re
import unittest

from monaco_config import FEATURES, LANGUAGE_DEFAULTS, LANGUAGES, REQUIREMENTS, generate

HERE = os.path.dirname(os.path.abspath(__file__))
MONACO = os.environ.get("MONACO_EDITOR_DIR") or os.path.join(HERE, "..", "target", "typings", "node_modules", "monaco-editor")
PRESENT = os.path.isfile(os.path.join(MONACO, "monaco.d.ts"))
if os.environ.get("MONACO_EDITOR_DIR") and not PRESENT:
    raise RuntimeError("MONACO_EDITOR_DIR=%s holds no monaco.d.ts" % MONACO)


class Declarations:
    """The interfaces, type aliases and enums of a .d.ts file, read well enough to check JSON values."""

    INDEX = "[string]"

    def __init__(self, text):
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"(?m)//.*$", "", text)
        self.interfaces, self.aliases, self.enums = {}, {}, set()
        for match in re.finditer(r"(?:export )?interface (\w+)(?:<[^>]*>)?(?:\s+extends\s+([\w\s,.<>]+?))?\s*\{", text):
            body = self._block(text, match.end() - 1)
            parents = [p.strip() for p in (match.group(2) or "").split(",") if p.strip()]
            self.interfaces[match.group(1)] = (parents, self._properties(body))
        for match in re.finditer(r"(?:export )?type (\w+)\s*=", text):
            self.aliases[match.group(1)] = self._until_semicolon(text, match.end())
        self.enums.update(re.findall(r"export (?:const )?enum (\w+)", text))

    @staticmethod
    def _block(text, start):
        depth = 0
        for index in range(start, len(text)):
            if text[index] == "{":
                depth += 1
            elif text[index] == "}":
                depth -= 1
                if depth == 0:
                    return text[start + 1:index]
        raise ValueError("unbalanced braces")

    @staticmethod
    def _until_semicolon(text, start):
        depth = 0
        for index in range(start, len(text)):
            c = text[index]
            if c in "({[<":
                depth += 1
            elif c in ")}]>" and not (c == ">" and text[index - 1] == "="):
                depth -= 1
            elif c == ";" and depth == 0:
                return text[start:index].strip()
        raise ValueError("no end of type")

    @classmethod
    def _properties(cls, body):
        properties, start = {}, 0
        while start < len(body):
            end = start
            depth = 0
            while end < len(body):
                c = body[end]
                if c in "({[<":
                    depth += 1
                elif c in ")}]>" and not (c == ">" and body[end - 1] == "="):
                    depth -= 1
                elif c == ";" and depth == 0:
                    break
                end += 1
            member = body[start:end].strip()
            start = end + 1
            index = re.match(r"\[\w+\s*:\s*string\]\s*:\s*(.+)$", member, flags=re.S)
            if index:
                properties[cls.INDEX] = index.group(1).strip()
                continue
            match = re.match(r"(?:readonly\s+)?('[^']+'|\w+)(\?)?\s*:\s*(.+)$", member, flags=re.S)
            if match:
                properties[match.group(1).strip("'")] = match.group(3).strip()
        return properties

    def properties_of(self, name):
        parents, own = self.interfaces[name]
        merged = {}
        for parent in parents:
            if parent in self.interfaces:
                merged.update(self.properties_of(parent))
        merged.update(own)
        return merged

    def problems(self, value, type_text, where):
        """What is wrong with value as type_text: [] when it fits one of the type's alternatives."""
        alternatives = self._split_union(type_text)
        reasons = [self._fits(value, alternative, where) for alternative in alternatives]
        if any(not found for found in reasons):
            return []
        return reasons[0] if len(reasons) == 1 else ["%s: %r is not %s" % (where, value, type_text)]

    @staticmethod
    def _split_union(type_text):
        parts, depth, current = [], 0, ""
        for c in type_text.strip():
            if c in "({[<":
                depth += 1
            elif c in ")}]>":
                depth -= 1
            if c == "|" and depth == 0:
                parts.append(current.strip())
                current = ""
            else:
                current += c
        parts.append(current.strip())
        return [p for p in parts if p]

    def _fits(self, value, t, where):
        no = ["%s: %r is not %s" % (where, value, t)]
        if t.startswith("(") and t.endswith(")") and "=>" not in t:
            return self.problems(value, t[1:-1], where)
        if t.endswith("[]"):
            if not isinstance(value, list):
                return no
            return [p for i, item in enumerate(value) for p in self.problems(item, t[:-2], "%s[%d]" % (where, i))]
        if t.startswith("'"):
            return [] if value == t.strip("'") else no
        if t in ("true", "false"):
            return [] if value is (t == "true") else no
        if t == "boolean":
            return [] if isinstance(value, bool) else no
        if t == "number":
            return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else no
        if t == "string":
            return [] if isinstance(value, str) else no
        if t == "null":
            return [] if value is None else no
        if t.startswith("{"):
            return self._object(value, self._properties(t[1:-1]), where)
        if t in self.interfaces:
            return self._object(value, self.properties_of(t), where)
        if t in self.aliases:
            return self.problems(value, self.aliases[t], where)
        if t in self.enums:
            return [] if isinstance(value, int) and not isinstance(value, bool) else no
        return no

    def _object(self, value, properties, where):
        if not isinstance(value, dict):
            return ["%s: %r is not an object" % (where, value)]
        found = []
        for key, item in value.items():
            declared = properties.get(key, properties.get(self.INDEX))
            if declared is None:
                found.append("%s.%s: no such option" % (where, key))
            else:
                found.extend(self.problems(item, declared, "%s.%s" % (where, key)))
        return found


def outputs():
    """Every case, and a sweep over languages, requirements and features."""
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
        for case in json.load(f):
            if "output" in case:
                yield case["name"], case["output"]
    every = {"readOnly": True, "readOnlyMessage": "Locked", "minimap": False, "fontSize": 16, "fontFamily": "Fira Code",
             "fontLigatures": True, "lineHeight": 22, "wordWrap": "bounded", "wordWrapColumn": 100, "lineNumbers": "relative",
             "tabSize": 2, "insertSpaces": True, "detectIndentation": True, "trimWhitespace": False, "rulers": [80, 120],
             "formatOnPaste": True, "formatOnType": True, "accessibility": True, "ariaLabel": "Answer", "folding": False,
             "renderWhitespace": "all", "cursorStyle": "block", "cursorBlinking": "phase", "smoothScrolling": True,
             "scrollBeyondLastLine": True, "mouseWheelZoom": True, "contextmenu": False, "links": False,
             "automaticLayout": False, "placeholder": "Type here"}
    assert set(every) == set(REQUIREMENTS), set(REQUIREMENTS) ^ set(every)
    theme = {"name": "brand", "base": "vs-dark", "rules": [{"token": "comment", "foreground": "#6a9955", "fontStyle": "italic"}],
             "colors": {"editor.background": "#1E1E1E"}}
    for language in sorted(LANGUAGES):
        yield language, generate({"language": language})
        yield language + " with everything", generate({"language": language, "theme": theme, "requirements": every,
                                                        "features": list(FEATURES)})


@unittest.skipUnless(PRESENT, "monaco-editor's typings are not installed (set MONACO_EDITOR_DIR)")
class AgainstMonacoTypings(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(MONACO, "monaco.d.ts"), encoding="utf-8") as f:
            cls.types = Declarations(f.read())

    def test_the_checker_itself_finds_wrong_names_and_values(self):
        problems = self.types.problems({"wordWrap": "sometimes", "minimap": {"enabld": True}, "noSuchOption": 1, "fontSize": "big"},
                                       "IStandaloneEditorConstructionOptions", "editorOptions")
        self.assertEqual(sorted(problems), [
            "editorOptions.fontSize: 'big' is not number",
            "editorOptions.minimap.enabld: no such option",
            "editorOptions.noSuchOption: no such option",
            "editorOptions.wordWrap: 'sometimes' is not 'off' | 'on' | 'wordWrapColumn' | 'bounded'",
        ])

    def test_every_output_uses_only_declared_options_with_valid_values(self):
        count = 0
        for name, output in outputs():
            with self.subTest(name):
                found = self.types.problems(output["editorOptions"], "IStandaloneEditorConstructionOptions", "editorOptions")
                found += self.types.problems(output["modelOptions"], "ITextModelUpdateOptions", "modelOptions")
                if "diffEditorOptions" in output:
                    found += self.types.problems(output["diffEditorOptions"], "IStandaloneDiffEditorConstructionOptions",
                                                 "diffEditorOptions")
                if "themeDefinition" in output:
                    found += self.types.problems(output["themeDefinition"]["data"], "IStandaloneThemeData", "themeDefinition.data")
                    self.assertRegex(output["themeDefinition"]["name"], r"^[^\s]+$")
                found += self.types.problems(output["theme"], "string", "theme")
                self.assertEqual(found, [])
                count += 1
        self.assertGreater(count, 2 * len(LANGUAGES))  # the sweep, plus the valid cases

    def test_the_languages_are_exactly_the_ones_monaco_registers(self):
        registered = {"plaintext", "json"}
        for path in glob.glob(os.path.join(MONACO, "esm", "vs", "basic-languages", "*", "*.contribution.js")):
            with open(path, encoding="utf-8") as f:
                registered.update(re.findall(r'\bid:\s*"([^"]+)"', f.read()))
        self.assertEqual(sorted(LANGUAGES), sorted(registered))
        self.assertEqual(set(LANGUAGE_DEFAULTS) - LANGUAGES, set())


if __name__ == "__main__":
    unittest.main()

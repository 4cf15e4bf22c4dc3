"""CPython tests of monaco-config (python3 -m unittest). The same cases run through Switchboard under GraalPy."""

import json
import os
import unittest

from monaco_config import LANGUAGES, generate

HERE = os.path.dirname(os.path.abspath(__file__))


class Cases(unittest.TestCase):
    """Input/output pairs kept in cases.json, so the GraalPy run can compare exactly the same."""

    def test_every_case(self):
        with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
            cases = json.load(f)
        self.assertGreater(len(cases), 10)
        for case in cases:
            with self.subTest(case["name"]):
                if "error" in case:
                    with self.assertRaises(ValueError) as raised:
                        generate(case["input"])
                    self.assertIn(case["error"], str(raised.exception))
                else:
                    self.assertEqual(generate(case["input"]), case["output"])


class LanguageDefaults(unittest.TestCase):

    def options(self, language, **requirements):
        return generate({"language": language, "requirements": requirements})

    def test_python_follows_pep8(self):
        out = self.options("python")
        self.assertEqual((out["editorOptions"]["tabSize"], out["editorOptions"]["insertSpaces"]), (4, True))
        self.assertEqual(out["editorOptions"]["rulers"], [79])
        self.assertEqual(out["editorOptions"]["foldingStrategy"], "indentation")

    def test_go_uses_tabs_and_yaml_two_spaces(self):
        self.assertFalse(self.options("go")["modelOptions"]["insertSpaces"])
        self.assertEqual(self.options("go")["editorOptions"]["renderWhitespace"], "boundary")
        self.assertEqual(self.options("yaml")["modelOptions"]["tabSize"], 2)

    def test_requirements_win_over_defaults(self):
        out = self.options("python", tabSize=2, rulers=[])
        self.assertEqual(out["modelOptions"]["tabSize"], 2)
        self.assertEqual(out["editorOptions"]["rulers"], [])

    def test_model_and_editor_agree(self):
        for language in sorted(LANGUAGES):
            out = self.options(language)
            for key in ("tabSize", "insertSpaces", "trimAutoWhitespace"):
                self.assertEqual(out["modelOptions"][key], out["editorOptions"][key], language)

    def test_read_only_never_formats(self):
        out = self.options("typescript", readOnly=True, formatOnPaste=True, formatOnType=True)["editorOptions"]
        self.assertEqual((out["readOnly"], out["formatOnPaste"], out["formatOnType"]), (True, False, False))

    def test_booleans_are_accepted_for_word_wrap_and_line_numbers(self):
        out = self.options("markdown", wordWrap=True, lineNumbers=False)["editorOptions"]
        self.assertEqual((out["wordWrap"], out["lineNumbers"]), ("on", "off"))


class BadInput(unittest.TestCase):

    def test_values_of_the_wrong_type_name_what_is_allowed(self):
        for requirements, message in [
            ({"tabSize": 0}, "requirements.tabSize: a whole number from 1 to 16"),
            ({"tabSize": True}, "requirements.tabSize: a whole number from 1 to 16"),
            ({"minimap": "yes"}, "requirements.minimap: true or false"),
            ({"rulers": [80, 0]}, "requirements.rulers: a list of at most 10 columns"),
            ({"cursorStyle": "fat"}, "requirements.cursorStyle: one of line, block"),
            ({"fontFamily": ""}, "requirements.fontFamily: a non-empty text"),
        ]:
            with self.subTest(requirements):
                with self.assertRaises(ValueError) as raised:
                    generate({"language": "python", "requirements": requirements})
                self.assertIn(message, str(raised.exception))

    def test_a_missing_language(self):
        with self.assertRaises(ValueError):
            generate({})

    def test_a_custom_theme_may_not_take_a_builtin_name(self):
        with self.assertRaises(ValueError) as raised:
            generate({"language": "python", "theme": {"name": "vs-dark"}})
        self.assertIn("theme.name", str(raised.exception))


class Themes(unittest.TestCase):

    def test_colors_are_normalized(self):
        out = generate({"language": "python", "theme": {"name": "mine", "rules": [{"token": "comment", "foreground": "#ABC"}],
                                                        "colors": {"editor.background": "ABCDEF"}}})
        data = out["themeDefinition"]["data"]
        self.assertEqual(out["theme"], "mine")
        self.assertEqual(data["base"], "vs")
        self.assertEqual(data["rules"], [{"token": "comment", "foreground": "aabbcc"}])
        self.assertEqual(data["colors"], {"editor.background": "#abcdef"})


if __name__ == "__main__":
    unittest.main()

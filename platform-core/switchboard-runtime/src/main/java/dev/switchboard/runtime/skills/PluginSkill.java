package dev.switchboard.runtime.skills;

import dev.switchboard.api.JavaSkill;

/** A skill a plugin version contributed: its manifest (checked when the plugin added it), its code, and whose it is. */
public record PluginSkill(SkillManifest manifest, JavaSkill skill, String pluginId, ClassLoader loader) {
}

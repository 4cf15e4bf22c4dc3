package dev.switchboard.runtime.skills;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A skill the registry knows, from the moment its {@code SKILL.md} is parsed: its manifest and its
 * compiled input schema (so a call with bad input is refused at once, warm runtime or not), and
 * its prepared code once the runtime has it. A slot is {@link SkillView.Status#LOADING loading},
 * then {@link SkillView.Status#READY ready} or {@link SkillView.Status#FAILED failed}, once. A
 * slot the registry drops while it loads (its folder was removed or edited again) is
 * <em>superseded</em>: whoever waits for it looks the name up again.
 */
final class SkillSlot {

    final SkillManifest manifest;
    final SchemaCheck input;
    private final CompletableFuture<LoadedSkill> loaded = new CompletableFuture<>();
    /** The prepared skill once ready: read on every call, so a plain volatile rather than the future. */
    private volatile LoadedSkill ready;
    private volatile String reason;

    private SkillSlot(SkillManifest manifest, SchemaCheck input) {
        this.manifest = manifest;
        this.input = input;
    }

    /** A skill whose code is still to be prepared. */
    static SkillSlot loading(SkillManifest manifest) {
        return new SkillSlot(manifest, SchemaCheck.of(manifest.inputSchema()));
    }

    /** A skill prepared already (a plugin's Java skill). */
    static SkillSlot of(LoadedSkill skill) {
        SkillSlot slot = new SkillSlot(skill.manifest, skill.input);
        slot.ready(skill);
        return slot;
    }

    String name() {
        return manifest.name();
    }

    SkillView.Status status() {
        if (ready != null) {
            return SkillView.Status.READY;
        }
        return reason != null ? SkillView.Status.FAILED : SkillView.Status.LOADING;
    }

    /** Why the skill could not be prepared; null unless failed. */
    String reason() {
        return reason;
    }

    /** The prepared skill, or null while loading or failed. */
    LoadedSkill ready() {
        return ready;
    }

    void ready(LoadedSkill skill) {
        ready = skill;
        loaded.complete(skill);
    }

    void fail(String why) {
        reason = why;
        loaded.completeExceptionally(new Failed(why));
    }

    /** The registry dropped this slot before it was ready. */
    void supersede() {
        loaded.completeExceptionally(new Superseded());
    }

    /**
     * Waits until the slot is ready, at most until {@code deadline} ({@link System#nanoTime()}).
     *
     * @return the prepared skill, or null when the deadline passed first
     * @throws Failed      when the skill could not be prepared
     * @throws Superseded  when the registry dropped the slot
     */
    LoadedSkill await(long deadline) throws InterruptedException, Failed, Superseded {
        try {
            return loaded.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case Failed failed -> throw failed;
                case Superseded superseded -> throw superseded;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** The slot's skill could not be prepared: {@link #getMessage()} says why. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The slot was dropped while it loaded. */
    static final class Superseded extends Exception {
        private static final long serialVersionUID = 1L;

        Superseded() {
            super(null, null, false, false);
        }
    }
}

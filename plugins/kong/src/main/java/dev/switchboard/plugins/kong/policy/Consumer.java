package dev.switchboard.plugins.kong.policy;

/** A Kong consumer: who a credential belongs to. {@code id} is the file's, or a UUID derived from the username. */
public record Consumer(String id, String username, String customId) {

    /** The consumer's name for logs and principals: the username, else the custom id, else the id. */
    public String displayName() {
        return username != null ? username : customId != null ? customId : id;
    }
}

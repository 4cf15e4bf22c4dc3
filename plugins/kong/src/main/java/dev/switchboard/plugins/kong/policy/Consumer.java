package dev.switchboard.plugins.kong.policy;

import java.util.List;

/**
 * A Kong consumer: who a credential belongs to. {@code id} is the file's, or a UUID derived from
 * the username; {@code groups} are its Kong ACL groups ({@code acls}), which become roles in the
 * tokens {@code /api/auth/token} issues.
 */
public record Consumer(String id, String username, String customId, List<String> groups) {

    public Consumer {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** The consumer's name for logs and principals: the username, else the custom id, else the id. */
    public String displayName() {
        return username != null ? username : customId != null ? customId : id;
    }
}

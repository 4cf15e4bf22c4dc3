package dev.switchboard.plugins.performance;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/performance/budgets}: the last evaluation of the budgets (docs/performance.md#budgets).
 * Who may read it is {@link ScrapeAccessFilter}'s business, as for {@code /metrics}.
 */
@Path(BudgetsResource.PATH)
public final class BudgetsResource {

    static final String PATH = "/api/performance/budgets";

    private final BudgetEvaluator budgets;

    BudgetsResource(BudgetEvaluator budgets) {
        this.budgets = budgets;
    }

    @GET
    public Response report() {
        return Response.ok(budgets.report(), "application/json").header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}

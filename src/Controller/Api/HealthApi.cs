using HaCluster.Controller.Data;

namespace HaCluster.Controller.Api;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("healthy")).ExcludeFromDescription();
        app.MapGet("/readyz", Ready).ExcludeFromDescription();
        return app;
    }

    public static async Task<IResult> Ready(HaClusterContext db, CancellationToken ct) =>
        await db.Database.CanConnectAsync(ct)
            ? TypedResults.Text("ready")
            : TypedResults.Problem("the database is unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
}

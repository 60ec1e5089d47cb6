using HaCluster.Controller.Domain;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Security;

namespace HaCluster.Controller.Api;

/// <summary>Planned work (operator role): a group's switchover and failover drill, a node's maintenance with its impact preview.</summary>
public static class OperationsApi
{
    /// <summary>The furthest ahead a maintenance may be set to end by itself.</summary>
    public static readonly TimeSpan MaxMaintenance = TimeSpan.FromDays(366);

    public sealed record SwitchoverRequest(string? To, string? Comment);

    public sealed record MaintenanceRequest(DateTimeOffset? Until, string? Reason, bool? Strict);

    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapPost("/groups/{name}/switchover", Switchover).WithTags("Groups").Produces<SwitchoverResult>()
            .Produces<SwitchoverResult>(StatusCodes.Status202Accepted).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.Operate);
        api.MapGet("/nodes/{name}/maintenance/preview", PreviewMaintenance).WithTags("Nodes").Produces<List<PlannedMove>>()
            .ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(Policies.Read);
        api.MapPost("/nodes/{name}/maintenance", StartMaintenance).WithTags("Nodes").Produces<MaintenanceResult>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(Policies.Operate);
        api.MapDelete("/nodes/{name}/maintenance", EndMaintenance).WithTags("Nodes").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(Policies.Operate);
        api.MapPost("/groups/{name}/drill", Drill).WithTags("Groups").Produces<DrillRecord>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.Operate);
        api.MapGet("/groups/{name}/drills", GroupDrills).WithTags("Groups").Produces<List<DrillRecord>>().RequireAuthorization(Policies.Read);
        api.MapGet("/drills", AllDrills).WithTags("Groups").Produces<List<DrillRecord>>().RequireAuthorization(Policies.Read);
        return app;
    }

    /// <summary>Runs a failover drill now and answers with its record (passed or failed, each step's figures).</summary>
    public static async Task<IResult> Drill(string name, HttpContext context, PlannedWork work, CancellationToken ct)
    {
        var (drill, refused) = await work.DrillAsync(name, context.Actor(), ct);
        return drill is null ? TypedResults.Problem(refused!.Detail, statusCode: refused.Status) : TypedResults.Ok(drill);
    }

    public static async Task<IResult> GroupDrills(string name, PlannedWork work, CancellationToken ct, int? limit = null) =>
        TypedResults.Ok(await work.DrillsAsync(name, limit ?? 100, ct));

    public static async Task<IResult> AllDrills(PlannedWork work, CancellationToken ct, int? limit = null) =>
        TypedResults.Ok(await work.DrillsAsync(null, limit ?? 100, ct));

    /// <summary>200 with the measured handoff once both agents reported it; 202 when it is still under way at the timeout.</summary>
    public static async Task<IResult> Switchover(string name, SwitchoverRequest? request, HttpContext context, PlannedWork work, CancellationToken ct)
    {
        if (GroupBody.CommentProblem(request?.Comment) is { } tooLong)
        {
            return tooLong;
        }

        var to = string.IsNullOrWhiteSpace(request?.To) ? null : request.To;
        var (result, refused) = await work.SwitchoverAsync(name, to, request?.Comment, context.Actor(), ct);
        return result is null ? TypedResults.Problem(refused!.Detail, statusCode: refused.Status)
            : result.Completed ? TypedResults.Ok(result)
            : TypedResults.Accepted($"/api/v1/groups/{Uri.EscapeDataString(name)}/status", result);
    }

    public static IResult PreviewMaintenance(string name, PlannedWork work) =>
        work.IsKnown(name) ? TypedResults.Ok(work.PreviewMaintenance(name).ToList()) : NodeNotFound(name);

    public static async Task<IResult> StartMaintenance(string name, MaintenanceRequest? request, HttpContext context, PlannedWork work, TimeProvider clock, CancellationToken ct)
    {
        if (!work.IsKnown(name))
        {
            return NodeNotFound(name);
        }

        var now = clock.GetUtcNow();
        if (request?.Until is { } until && (until <= now || until - now > MaxMaintenance))
        {
            return GroupBody.Invalid("until", $"must be in the future and at most {MaxMaintenance.TotalDays:0} days ahead");
        }

        if (request?.Reason is { Length: > NodeMaintenance.MaxReason })
        {
            return GroupBody.Invalid("reason", $"at most {NodeMaintenance.MaxReason} characters");
        }

        return TypedResults.Ok(await work.StartMaintenanceAsync(name, request?.Until, request?.Reason, request?.Strict ?? false, context.Actor(), ct));
    }

    public static async Task<IResult> EndMaintenance(string name, HttpContext context, PlannedWork work, CancellationToken ct) =>
        await work.EndMaintenanceAsync(name, context.Actor(), ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"node '{name}' is not in maintenance", statusCode: StatusCodes.Status404NotFound);

    private static IResult NodeNotFound(string name) => TypedResults.Problem($"no node named '{name}'", statusCode: StatusCodes.Status404NotFound);
}

using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Security;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Api;

/// <summary>What the agents report: group status, nodes, and the event history.</summary>
public static class FleetApi
{
    public static IEndpointRouteBuilder MapFleetApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Read);
        api.MapGet("/groups/{name}/status", GetStatus).WithTags("Groups").Produces<GroupStatusJson>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/groups/{name}/events", GetGroupEvents).WithTags("Groups").Produces<List<FleetEvent>>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/nodes", ListNodes).WithTags("Nodes").Produces<List<NodeView>>();
        api.MapGet("/nodes/{name}", GetNode).WithTags("Nodes").Produces<NodeView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/events", ListEvents).WithTags("Events").Produces<List<FleetEvent>>().ProducesValidationProblem();
        api.MapGet("/groups/{name}/analytics", Analytics).WithTags("Groups").Produces<GroupAnalytics>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/events/{id}/why", Why).WithTags("Events").Produces<TransitionWhy>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static IResult GetStatus(string name, FleetState fleet) =>
        fleet.Status(name) is { } status ? TypedResults.Ok(GroupStatusJson.Of(status)) : GroupNotFound(name);

    public static async Task<IResult> GetGroupEvents(string name, HttpRequest request, FleetState fleet, EventRepository events, CancellationToken ct)
    {
        var (filter, problem) = EventFilterQuery.Read(request, name);
        if (filter is null)
        {
            return problem!;
        }

        // A deleted group's history stays readable: only a name nothing ever mentioned is unknown.
        var list = await events.ListAsync(filter, ct);
        return list.Count == 0 && fleet.Status(name) is null ? GroupNotFound(name) : TypedResults.Ok(list);
    }

    public static IResult ListNodes(FleetState fleet) => TypedResults.Ok(fleet.Nodes());

    public static IResult GetNode(string name, FleetState fleet) =>
        fleet.Node(name) is { } node ? TypedResults.Ok(node) : TypedResults.Problem($"no node named '{name}'", statusCode: StatusCodes.Status404NotFound);

    /// <summary><c>GET /groups/{name}/analytics?from=&amp;to=</c> (default: the last day; at most 31 days): transitions per hour, takeover times, flapping.</summary>
    public static async Task<IResult> Analytics(string name, HttpRequest request, DesiredState desired, FlapAnalytics analytics, CancellationToken ct)
    {
        if (desired.Get(name) is null)
        {
            return TypedResults.Problem($"there is no group {name}", statusCode: StatusCodes.Status404NotFound);
        }

        var errors = new Dictionary<string, string[]>();
        var from = EventFilterQuery.Time(request.Query["from"], "from", errors);
        var to = EventFilterQuery.Time(request.Query["to"], "to", errors);
        if (from is { } f && to is { } t && (t <= f || t - f > FlapAnalytics.MaxRange))
        {
            errors["to"] = [$"must be after from, at most {FlapAnalytics.MaxRange.TotalDays:0} days later"];
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await analytics.ForGroupAsync(name, from, to, ct));
    }

    /// <summary>One transition explained: cause, breakdowns, revision and its diff, the events of both nodes a minute around it.</summary>
    public static async Task<IResult> Why(string id, TransitionInsight insight, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (EventFilterQuery.Id(id, "id", "an event id", errors) is not { } number)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await insight.WhyAsync(number, ct) is { } why
            ? TypedResults.Ok(why)
            : TypedResults.Problem($"there is no transition {number}", statusCode: StatusCodes.Status404NotFound);
    }

    public static async Task<IResult> ListEvents(HttpRequest request, EventRepository events, CancellationToken ct)
    {
        var (filter, problem) = EventFilterQuery.Read(request);
        return filter is null ? problem! : TypedResults.Ok(await events.ListAsync(filter, ct));
    }

    private static IResult GroupNotFound(string name) =>
        TypedResults.Problem($"no group named '{name}'", statusCode: StatusCodes.Status404NotFound);
}

/// <summary>A group's status as the REST API carries it: its definition as a JSON document, with what its members report.</summary>
public sealed record GroupStatusJson(
    GroupDocument Group,
    int Revision,
    GroupHealth Health,
    IReadOnlyList<string> Problems,
    DateTimeOffset? HealthSince,
    IReadOnlyList<MemberStatusView> Members,
    string? MasterNode,
    DateTimeOffset? LastFailoverAt)
{
    public static GroupStatusJson Of(GroupStatusView s) =>
        new(GroupDocument.Public(s.Group), s.Revision, s.Health, s.Problems, s.HealthSince, s.Members, s.MasterNode, s.LastFailoverAt);
}

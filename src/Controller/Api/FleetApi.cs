using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Fleet;
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

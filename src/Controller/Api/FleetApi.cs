using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;

namespace HaCluster.Controller.Api;

/// <summary>What the agents report: group status, nodes, and the event history.</summary>
public static class FleetApi
{
    public static IEndpointRouteBuilder MapFleetApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/groups/{name}/status", GetStatus).WithTags("Groups").Produces<GroupStatusView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/groups/{name}/events", GetGroupEvents).WithTags("Groups").Produces<List<EventRecord>>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/nodes", ListNodes).WithTags("Nodes").Produces<List<NodeView>>();
        api.MapGet("/nodes/{name}", GetNode).WithTags("Nodes").Produces<NodeView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/events", ListEvents).WithTags("Events").Produces<List<EventRecord>>().ProducesValidationProblem();
        return app;
    }

    public static IResult GetStatus(string name, FleetState fleet) =>
        fleet.Status(name) is { } status ? TypedResults.Ok(status) : GroupNotFound(name);

    public static async Task<IResult> GetGroupEvents(string name, HttpRequest request, FleetState fleet, EventQueries events, CancellationToken ct)
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

    public static async Task<IResult> ListEvents(HttpRequest request, EventQueries events, CancellationToken ct)
    {
        var (filter, problem) = EventFilterQuery.Read(request);
        return filter is null ? problem! : TypedResults.Ok(await events.ListAsync(filter, ct));
    }

    private static IResult GroupNotFound(string name) =>
        TypedResults.Problem($"no group named '{name}'", statusCode: StatusCodes.Status404NotFound);
}

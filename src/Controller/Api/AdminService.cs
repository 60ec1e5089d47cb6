using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Groups;
using HaCluster.Shared.Groups;
using Change = HaCluster.Controller.Events.FleetChange;
using ChangeProto = HaCluster.Contracts.FleetChange;

namespace HaCluster.Controller.Api;

/// <summary>The gRPC admin API: the REST API's operations plus the live fleet stream. Thin: domain ↔ proto at the edge.</summary>
public sealed class AdminService(GroupStore store, DesiredState desired, FleetState fleet, FleetBus bus, EventQueries events, IHostApplicationLifetime lifetime)
    : Admin.AdminBase
{
    private const int SnapshotEvents = 200;

    public override Task<ListGroupsResponse> ListGroups(ListGroupsRequest request, ServerCallContext context)
    {
        var response = new ListGroupsResponse();
        response.Groups.AddRange(fleet.Statuses().Select(AdminMapping.ToProto));
        return Task.FromResult(response);
    }

    public override Task<HaCluster.Contracts.Group> GetGroup(GroupRef request, ServerCallContext context) =>
        Task.FromResult(AdminMapping.ToProto((desired.Get(request.Name) ?? throw NotFound(request.Name)).Group));

    public override Task<SaveGroupResponse> CreateGroup(SaveGroupRequest request, ServerCallContext context) =>
        SaveAsync(request, isNew: true, context);

    public override Task<SaveGroupResponse> UpdateGroup(SaveGroupRequest request, ServerCallContext context) =>
        SaveAsync(request, isNew: false, context);

    public override async Task<DeleteGroupResponse> DeleteGroup(GroupRef request, ServerCallContext context) =>
        await store.DeleteAsync(request.Name, Who(context), context.CancellationToken) ? new DeleteGroupResponse() : throw NotFound(request.Name);

    public override Task<GroupStatus> GetGroupStatus(GroupRef request, ServerCallContext context) =>
        Task.FromResult(AdminMapping.ToProto(fleet.Status(request.Name) ?? throw NotFound(request.Name)));

    public override async Task<RenderedConfig> GetConfig(GetConfigRequest request, ServerCallContext context)
    {
        var stored = desired.Get(request.Group) ?? throw NotFound(request.Group);
        var text = await store.GetConfigAsync(request.Group, request.Node, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"'{request.Node}' is not a member of group '{request.Group}'"));
        return new RenderedConfig { Group = request.Group, Node = request.Node, Revision = stored.Revision, Text = text, Hash = GroupRenderer.Hash(text) };
    }

    public override Task<ListNodesResponse> ListNodes(ListNodesRequest request, ServerCallContext context)
    {
        var response = new ListNodesResponse();
        response.Nodes.AddRange(fleet.Nodes().Select(AdminMapping.ToProto));
        return Task.FromResult(response);
    }

    public override async Task<ListEventsResponse> ListEvents(ListEventsRequest request, ServerCallContext context)
    {
        var errors = new List<GroupError>();
        if (request.Kind.Length > 0 && !EventKinds.All.Contains(request.Kind))
        {
            errors.Add(new GroupError("kind", $"'{request.Kind}' is not one of {string.Join(", ", EventKinds.All)}"));
        }

        if (request.Limit is < 0 or > EventFilter.MaxLimit)
        {
            errors.Add(new GroupError("limit", $"{request.Limit} is not 0 (the default, {EventFilter.DefaultLimit}) to {EventFilter.MaxLimit}"));
        }

        var (from, to) = (AdminMapping.FromProto(request.From), AdminMapping.FromProto(request.To));
        if (from > to)
        {
            errors.Add(new GroupError("to", "must not be before from"));
        }

        if (errors.Count > 0)
        {
            throw AdminMapping.Invalid(errors);
        }

        var filter = new EventFilter(Empty(request.Group), Empty(request.Node), Empty(request.Kind), from, to, request.Limit == 0 ? EventFilter.DefaultLimit : request.Limit);
        var response = new ListEventsResponse();
        response.Events.AddRange((await events.ListAsync(filter, context.CancellationToken)).Select(AdminMapping.ToProto));
        return response;
    }

    /// <summary>Subscribes first, then sends the snapshot: a change made meanwhile arrives twice at worst, never not at all.</summary>
    public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context)
    {
        using var subscription = bus.Subscribe();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var snapshot = new FleetSnapshot();
        snapshot.Groups.AddRange(fleet.Statuses().Select(AdminMapping.ToProto));
        snapshot.Nodes.AddRange(fleet.Nodes().Select(AdminMapping.ToProto));
        snapshot.RecentEvents.AddRange((await events.ListAsync(new EventFilter(Limit: SnapshotEvents), context.CancellationToken)).Select(AdminMapping.ToProto));
        await responseStream.WriteAsync(new WatchResponse { Initial = snapshot }, context.CancellationToken);
        try
        {
            await foreach (var change in subscription.Reader.ReadAllAsync(ended.Token))
            {
                await responseStream.WriteAsync(new WatchResponse { Change = ToProto(change) }, ended.Token);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The controller stops: end the stream; the client reconnects to whichever controller comes back.
        }
        catch (SubscriberTooSlowException e)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, e.Message));
        }
    }

    private async Task<SaveGroupResponse> SaveAsync(SaveGroupRequest request, bool isNew, ServerCallContext context)
    {
        if (request.Group is null)
        {
            throw AdminMapping.Invalid([new GroupError("$", "a group is required")]);
        }

        var group = AdminMapping.FromProto(request.Group);
        var before = desired.Get(group.Name);
        var ct = context.CancellationToken;
        var result = request.ValidateOnly ? await store.PreviewAsync(group, isNew, ct)
            : isNew ? await store.CreateAsync(group, Who(context), ct)
            : await store.UpdateAsync(group, Who(context), ct);
        if (result is not SaveResult.Saved saved)
        {
            throw result switch
            {
                SaveResult.Invalid invalid => AdminMapping.Invalid(invalid.Errors),
                SaveResult.Conflict conflict => new RpcException(new Status(isNew ? StatusCode.AlreadyExists : StatusCode.Aborted, conflict.Detail)),
                _ => NotFound(group.Name),
            };
        }

        var response = new SaveGroupResponse { Group = AdminMapping.ToProto(saved.Group), Revision = saved.Revision };
        response.Configs.AddRange(Rendered(saved.Group, saved.Revision));
        if (before is not null)
        {
            response.PreviousConfigs.AddRange(Rendered(before.Group, before.Revision));
        }

        return response;
    }

    private static IEnumerable<RenderedConfig> Rendered(VipGroup group, int revision) =>
        GroupValidator.OrEmpty(group.Members).Select(m =>
        {
            var text = GroupRenderer.RenderFor(group, m.Node);
            return new RenderedConfig { Group = group.Name, Node = m.Node, Revision = revision, Text = text, Hash = GroupRenderer.Hash(text) };
        });

    private static ChangeProto ToProto(Change change) => change switch
    {
        Change.EventAppended e => new ChangeProto { Event = AdminMapping.ToProto(e.Event) },
        Change.GroupStatusChanged g => new ChangeProto { Group = AdminMapping.ToProto(g.Status) },
        Change.NodeChanged n => new ChangeProto { Node = AdminMapping.ToProto(n.Node) },
        Change.GroupRemoved r => new ChangeProto { GroupRemoved = r.Name },
        _ => throw new InvalidOperationException($"unknown change {change}"),
    };

    private static RpcException NotFound(string name) => new(new Status(StatusCode.NotFound, $"no group named '{name}'"));

    private static string Who(ServerCallContext context) => context.GetHttpContext().User.Identity?.Name ?? "anonymous";

    private static string? Empty(string text) => text.Length == 0 ? null : text;
}

using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Security;
using HaCluster.Shared.Vocabulary;
using Microsoft.AspNetCore.Authorization;

namespace HaCluster.Controller.Api;

/// <summary>
/// The gRPC admin API: the REST API's operations plus the live fleet stream. Thin: domain ↔ proto at the edge. Reads
/// take <see cref="Policies.Read"/>, planned work <see cref="Policies.Operate"/>, changes <see cref="Policies.Admin"/>, as on REST.
/// </summary>
[Authorize(Policy = Policies.Read)]
public sealed class AdminService(
    GroupService store, DesiredState desired, FleetState fleet, FleetBus bus, EventRepository events, PlannedWork work, TimeProvider clock,
    IHostApplicationLifetime lifetime, StreamQuota quota)
    : Admin.AdminBase
{
    private const int SnapshotEvents = 200;

    public override Task<ListGroupsResponse> ListGroups(ListGroupsRequest request, ServerCallContext context)
    {
        var response = new ListGroupsResponse();
        response.Groups.AddRange(fleet.Statuses().Select(AdminMapping.ToProto));
        return Task.FromResult(response);
    }

    /// <summary>The group; <c>confirm_by</c> set while a save of it waits for its confirmation.</summary>
    public override async Task<Group> GetGroup(GroupRef request, ServerCallContext context)
    {
        var group = AdminMapping.ToProto((desired.Get(request.Name) ?? throw NotFound(request.Name)).Group);
        if (await store.PendingAsync(request.Name, context.CancellationToken) is { } pending)
        {
            group.ConfirmBy = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(pending.Deadline);
        }

        return group;
    }

    [Authorize(Policy = Policies.Admin)]
    public override Task<SaveGroupResponse> CreateGroup(SaveGroupRequest request, ServerCallContext context) =>
        SaveAsync(request, isNew: true, context);

    [Authorize(Policy = Policies.Admin)]
    public override Task<SaveGroupResponse> UpdateGroup(SaveGroupRequest request, ServerCallContext context) =>
        SaveAsync(request, isNew: false, context);

    [Authorize(Policy = Policies.Admin)]
    public override async Task<DeleteGroupResponse> DeleteGroup(GroupRef request, ServerCallContext context) =>
        await store.DeleteAsync(request.Name, Who(context), context.CancellationToken) ? new DeleteGroupResponse() : throw NotFound(request.Name);

    public override Task<GroupStatus> GetGroupStatus(GroupRef request, ServerCallContext context) =>
        Task.FromResult(AdminMapping.ToProto(fleet.Status(request.Name) ?? throw NotFound(request.Name)));

    public override async Task<RenderedConfig> GetConfig(GetConfigRequest request, ServerCallContext context)
    {
        var stored = desired.Get(request.Group) ?? throw NotFound(request.Group);
        var config = await store.GetConfigAsync(request.Group, request.Node, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"'{request.Node}' is not a member of group '{request.Group}'"));
        return AdminMapping.ToProto(config with { Revision = stored.Revision });
    }

    [Authorize(Policy = Policies.Operate)]
    public override async Task<SwitchoverReply> Switchover(SwitchoverRequest request, ServerCallContext context)
    {
        if (request.Comment.Length > Data.Configurations.GroupRevisionLimits.MaxComment)
        {
            throw AdminMapping.Invalid([new GroupError("comment", $"at most {Data.Configurations.GroupRevisionLimits.MaxComment} characters")]);
        }

        var (result, refused) = await work.SwitchoverAsync(request.Group, Empty(request.To), Empty(request.Comment), Who(context), context.CancellationToken);
        return result is not null ? AdminMapping.ToProto(result) : throw Refused(refused!);
    }

    public override Task<MaintenancePreview> PreviewMaintenance(NodeRef request, ServerCallContext context)
    {
        var preview = new MaintenancePreview();
        preview.Moves.AddRange((work.IsKnown(request.Name) ? work.PreviewMaintenance(request.Name) : throw NodeNotFound(request.Name)).Select(AdminMapping.ToProto));
        return Task.FromResult(preview);
    }

    [Authorize(Policy = Policies.Operate)]
    public override async Task<MaintenanceReply> StartMaintenance(StartMaintenanceRequest request, ServerCallContext context)
    {
        if (!work.IsKnown(request.Node))
        {
            throw NodeNotFound(request.Node);
        }

        var until = request.Until is null ? (DateTimeOffset?)null : AdminMapping.FromProto(request.Until) ?? DateTimeOffset.MinValue;
        var now = clock.GetUtcNow();
        var errors = new List<GroupError>();
        if (until is { } end && (end <= now || end - now > OperationsApi.MaxMaintenance))
        {
            errors.Add(new GroupError("until", $"must be in the future and at most {OperationsApi.MaxMaintenance.TotalDays:0} days ahead"));
        }

        if (request.Reason.Length > NodeMaintenance.MaxReason)
        {
            errors.Add(new GroupError("reason", $"at most {NodeMaintenance.MaxReason} characters"));
        }

        if (errors.Count > 0)
        {
            throw AdminMapping.Invalid(errors);
        }

        var result = await work.StartMaintenanceAsync(request.Node, until, Empty(request.Reason), request.Strict, Who(context), context.CancellationToken);
        var reply = new MaintenanceReply { Maintenance = AdminMapping.ToProto(result.Maintenance) };
        reply.Moved.AddRange(result.Moved.Select(AdminMapping.ToProto));
        reply.Staying.AddRange(result.Staying.Select(AdminMapping.ToProto));
        return reply;
    }

    [Authorize(Policy = Policies.Operate)]
    public override async Task<EndMaintenanceResponse> EndMaintenance(NodeRef request, ServerCallContext context) =>
        await work.EndMaintenanceAsync(request.Name, Who(context), context.CancellationToken)
            ? new EndMaintenanceResponse()
            : throw new RpcException(new Status(StatusCode.NotFound, $"node '{request.Name}' is not in maintenance"));

    public override async Task<ListRevisionsResponse> ListRevisions(ListRevisionsRequest request, ServerCallContext context)
    {
        var revisions = await store.RevisionsAsync(request.Group, Math.Clamp(request.Limit == 0 ? 100 : request.Limit, 1, 1000), context.CancellationToken);
        if (revisions.Count == 0 && desired.Get(request.Group) is null)
        {
            throw NotFound(request.Group);
        }

        var response = new ListRevisionsResponse();
        response.Revisions.AddRange(revisions.Select(AdminMapping.ToProto));
        return response;
    }

    public override async Task<Contracts.RevisionDiff> DiffRevisions(DiffRevisionsRequest request, ServerCallContext context) =>
        AdminMapping.ToProto(await store.DiffAsync(request.Group, request.From, request.To, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"group '{request.Group}' has no revision {request.From} or {request.To}")));

    [Authorize(Policy = Policies.Admin)]
    public override async Task<SaveGroupResponse> Rollback(RollbackRequest request, ServerCallContext context)
    {
        if (request.Comment.Length > Data.Configurations.GroupRevisionLimits.MaxComment)
        {
            throw AdminMapping.Invalid([new GroupError("comment", $"at most {Data.Configurations.GroupRevisionLimits.MaxComment} characters")]);
        }

        var result = await store.RollbackAsync(request.Group, request.To, Who(context), Empty(request.Comment), context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"group '{request.Group}' has no revision {request.To}"));
        return result switch
        {
            SaveResult.Saved saved => new SaveGroupResponse { Group = AdminMapping.ToProto(saved.Group), Revision = saved.Revision },
            SaveResult.Invalid invalid => throw AdminMapping.Invalid(invalid.Errors),
            SaveResult.Conflict conflict => throw new RpcException(new Status(StatusCode.Aborted, conflict.Detail)),
            _ => throw NotFound(request.Group),
        };
    }

    [Authorize(Policy = Policies.Operate)]
    public override async Task<Drill> RunDrill(GroupRef request, ServerCallContext context)
    {
        var (drill, refused) = await work.DrillAsync(request.Name, Who(context), context.CancellationToken);
        return drill is not null ? AdminMapping.ToProto(drill) : throw Refused(refused!);
    }

    public override async Task<ListDrillsResponse> ListDrills(ListDrillsRequest request, ServerCallContext context)
    {
        var response = new ListDrillsResponse();
        response.Drills.AddRange((await work.DrillsAsync(Empty(request.Group), request.Limit == 0 ? 100 : request.Limit, context.CancellationToken)).Select(AdminMapping.ToProto));
        return response;
    }

    [Authorize(Policy = Policies.Admin)]
    public override async Task<ConfirmGroupResponse> ConfirmGroup(GroupRef request, ServerCallContext context) =>
        await store.ConfirmAsync(request.Name, Who(context), context.CancellationToken) && desired.Get(request.Name) is { } stored
            ? new ConfirmGroupResponse { Revision = stored.Revision }
            : throw new RpcException(new Status(StatusCode.NotFound, $"no save of group '{request.Name}' waits for a confirmation"));

    public override Task<ListNodesResponse> ListNodes(ListNodesRequest request, ServerCallContext context)
    {
        var response = new ListNodesResponse();
        response.Nodes.AddRange(fleet.Nodes().Select(AdminMapping.ToProto));
        return Task.FromResult(response);
    }

    public override async Task<ListEventsResponse> ListEvents(ListEventsRequest request, ServerCallContext context)
    {
        var errors = new List<GroupError>();
        if (!Enum.IsDefined(request.Kind))
        {
            errors.Add(new GroupError("kind", $"{(int)request.Kind} is not one of {string.Join(", ", Names.All<EventKind>())}"));
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

        var kind = request.Kind == EventKind.Unspecified ? (EventKind?)null : request.Kind;
        var filter = new EventFilter(Empty(request.Group), Empty(request.Node), kind, from, to, request.Limit == 0 ? EventFilter.DefaultLimit : request.Limit);
        var response = new ListEventsResponse();
        response.Events.AddRange((await events.ListAsync(filter, context.CancellationToken)).Select(AdminMapping.ToProto));
        return response;
    }

    /// <summary>Subscribes first, then sends the snapshot: a change made meanwhile arrives twice at worst, never not at all.</summary>
    public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context)
    {
        var caller = context.GetHttpContext().User;
        using var slot = quota.TryEnter(caller.Describe()) ?? throw new RpcException(new Status(
            StatusCode.ResourceExhausted, $"{caller.Describe()} has {StreamQuota.PerCaller} live Watch streams already: close one first"));
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
        TimeSpan? within = null;
        if (request.ConfirmWithin.Length > 0)
        {
            if (isNew || !Infrastructure.Durations.TryParse(request.ConfirmWithin, out var parsed) || parsed < PendingConfirm.MinWithin || parsed > PendingConfirm.MaxWithin)
            {
                throw AdminMapping.Invalid([new GroupError("confirmWithin", isNew
                    ? "applies to an update: a new group has no earlier state to go back to"
                    : $"'{request.ConfirmWithin}' is not a time from {PendingConfirm.MinWithin.TotalSeconds:0}s to {PendingConfirm.MaxWithin.TotalHours:0}h (as 90s, 5m, 1h)")]);
            }

            within = parsed;
        }

        // Before the save replaces them: each member's config at the current revision, for the diff.
        var previous = desired.Get(group.Name)?.Group.Members.Select(m => desired.Part(group.Name, m.Node)).OfType<MemberConfig>().ToList() ?? [];
        var ct = context.CancellationToken;
        var result = request.ValidateOnly ? await store.PreviewAsync(group, isNew, ct)
            : isNew ? await store.CreateAsync(group, Who(context), ct)
            : await store.UpdateAsync(group, Who(context), ct, confirmWithin: within);
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
        response.Configs.AddRange(saved.Configs.Select(AdminMapping.ToProto));
        response.PreviousConfigs.AddRange(previous.Select(AdminMapping.ToProto));
        if (within is not null && !request.ValidateOnly && await store.PendingAsync(group.Name, ct) is { } pending)
        {
            response.ConfirmBy = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(pending.Deadline);
        }

        return response;
    }

    private static FleetChange ToProto(FleetUpdate change) => change switch
    {
        FleetUpdate.EventAppended e => new FleetChange { Event = AdminMapping.ToProto(e.Event) },
        FleetUpdate.GroupStatusChanged g => new FleetChange { Group = AdminMapping.ToProto(g.Status) },
        FleetUpdate.NodeChanged n => new FleetChange { Node = AdminMapping.ToProto(n.Node) },
        FleetUpdate.GroupRemoved r => new FleetChange { GroupRemoved = r.Name },
        _ => throw new InvalidOperationException($"unknown change {change}"),
    };

    private static RpcException NodeNotFound(string name) => new(new Status(StatusCode.NotFound, $"no node named '{name}'"));

    /// <summary>A refused operation in gRPC's words: 404 NOT_FOUND, 409 FAILED_PRECONDITION (the group or a member is not fit for it).</summary>
    private static RpcException Refused(OperationRefused refused) => new(new Status(
        refused.Status == StatusCodes.Status404NotFound ? StatusCode.NotFound : StatusCode.FailedPrecondition, refused.Detail));

    private static RpcException NotFound(string name) => new(new Status(StatusCode.NotFound, $"no group named '{name}'"));

    private static Domain.Actor Who(ServerCallContext context) => context.GetHttpContext().Actor();

    private static string? Empty(string text) => text.Length == 0 ? null : text;
}

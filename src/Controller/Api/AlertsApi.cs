using HaCluster.Controller.Alerts;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Security;

namespace HaCluster.Controller.Api;

/// <summary>
/// Alerts and where they went (read), incidents' acknowledgement and groups' quiet periods (operator), alert channels
/// and their test (admin: they hold secrets, shown only as set).
/// </summary>
public static class AlertsApi
{
    public sealed record DeliveryJson(string Channel, string Status, int Attempts, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, string? Key);

    public sealed record AlertJson(long Id, DateTimeOffset At, DateTimeOffset StoredAt, string Subject, string? Group, string Kind, string Severity, string Summary,
        long? EventId, long? IncidentId, string? Suppressed, IReadOnlyList<DeliveryJson> Deliveries)
    {
        public static AlertJson Of(Alert a) => new(a.Id, a.At, a.StoredAt, a.Subject, a.Group, a.Kind, a.Severity.Name(), a.Summary, a.EventId, a.IncidentId, a.Suppressed,
            [.. a.Deliveries.Select(d => new DeliveryJson(d.Channel, d.Status, d.Attempts, d.LastError, d.NextAttemptAt, d.DeliveredAt, d.Key))]);
    }

    public sealed record IncidentJson(long Id, string Subject, string? Group, string Title, string Severity, DateTimeOffset OpenedAt, DateTimeOffset LastAlertAt,
        DateTimeOffset? RecoveredAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, int Alerts)
    {
        public static IncidentJson Of(Incident i) => new(i.Id, i.Subject, i.Group, i.Title, i.Severity.Name(), i.OpenedAt, i.LastAlertAt, i.RecoveredAt,
            i.AcknowledgedAt, i.AcknowledgedBy, i.Alerts);
    }

    public sealed record QuietRequest(DateTimeOffset? Until, string? Reason);

    public sealed record QuietJson(string Group, DateTimeOffset Since, DateTimeOffset Until, string? Reason, string By);

    public sealed record TestQueued(long AlertId, string Channel);

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Alerts");
        api.MapGet("/alerts", ListAlerts).Produces<List<AlertJson>>().ProducesValidationProblem().RequireAuthorization(Policies.Read);
        api.MapGet("/incidents", ListIncidents).Produces<List<IncidentJson>>().ProducesValidationProblem().RequireAuthorization(Policies.Read);
        api.MapPost("/incidents/{id}/acknowledge", Acknowledge).Produces<IncidentJson>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Operate);
        api.MapGet("/quiet", ListQuiet).Produces<List<QuietJson>>().RequireAuthorization(Policies.Read);
        api.MapPut("/groups/{name}/quiet", StartQuiet).Produces<QuietJson>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Operate);
        api.MapDelete("/groups/{name}/quiet", EndQuiet).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Operate);

        var admin = api.MapGroup("/alert-channels").RequireAuthorization(Policies.Admin);
        admin.MapGet("", ListChannels).Produces<List<ChannelView>>();
        admin.MapPut("/{name}", SaveChannel).Produces<ChannelView>().Produces<ChannelView>(StatusCodes.Status201Created).ProducesValidationProblem();
        admin.MapDelete("/{name}", DeleteChannel).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();
        admin.MapPost("/{name}/test", TestChannel).Produces<TestQueued>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary><c>GET /alerts?group=&amp;incident=&amp;from=&amp;to=&amp;limit=</c>: newest first, each with its deliveries per channel.</summary>
    public static async Task<IResult> ListAlerts(HttpRequest request, AlertRepository alerts, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var from = EventFilterQuery.Time(request.Query["from"], "from", errors);
        var to = EventFilterQuery.Time(request.Query["to"], "to", errors);
        var limit = EventFilterQuery.Limit(request.Query["limit"], AlertFilter.DefaultLimit, AlertFilter.MaxLimit, errors);
        var incident = request.Query["incident"].ToString() is { Length: > 0 } text ? EventFilterQuery.Id(text, "incident", "an incident id", errors) : null;
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var group = request.Query["group"].ToString() is { Length: > 0 and <= 64 } g ? g : null;
        var list = await alerts.ListAsync(new AlertFilter(group, incident, from, to, limit), ct);
        return TypedResults.Ok(list.Select(AlertJson.Of).ToList());
    }

    public static async Task<IResult> ListIncidents(HttpRequest request, AlertRepository alerts, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var limit = EventFilterQuery.Limit(request.Query["limit"], 100, 1000, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var group = request.Query["group"].ToString() is { Length: > 0 and <= 64 } g ? g : null;
        return TypedResults.Ok((await alerts.IncidentsAsync(group, limit, ct)).Select(IncidentJson.Of).ToList());
    }

    /// <summary>No repeats of this incident from now on (its recovery is still sent); acknowledging twice keeps the first.</summary>
    public static async Task<IResult> Acknowledge(string id, HttpContext context, AlertRepository alerts, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (EventFilterQuery.Id(id, "id", "an incident id", errors) is not { } number)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var audit = new AuditEvent(AuditActions.Acknowledge, $"incident {number}", context.Actor(), clock.GetUtcNow());
        return await alerts.AcknowledgeAsync(number, audit, ct) is { } incident
            ? TypedResults.Ok(IncidentJson.Of(incident))
            : TypedResults.Problem($"there is no incident {number}", statusCode: StatusCodes.Status404NotFound);
    }

    public static async Task<IResult> ListQuiet(AlertRepository alerts, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok((await alerts.QuietAsync(clock.GetUtcNow(), ct)).Select(q => new QuietJson(q.Group, q.Since, q.Until, q.Reason, q.By)).ToList());

    /// <summary>The group's alerts are kept and listed as suppressed, not sent, until <c>until</c> (at most 30 days ahead).</summary>
    public static async Task<IResult> StartQuiet(string name, QuietRequest? request, HttpContext context, DesiredState desired, AlertRepository alerts, TimeProvider clock, CancellationToken ct)
    {
        if (desired.Get(name) is null)
        {
            return TypedResults.Problem($"there is no group {name}", statusCode: StatusCodes.Status404NotFound);
        }

        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (request?.Until is not { } until || until <= now || until > now + GroupQuiet.MaxLength)
        {
            errors["until"] = [$"required: a time after now and at most {GroupQuiet.MaxLength.TotalDays:0} days ahead"];
        }

        if (request?.Reason is { Length: > GroupQuiet.MaxReason })
        {
            errors["reason"] = [$"at most {GroupQuiet.MaxReason} characters"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var actor = context.Actor();
        var quiet = new GroupQuiet(name, now, request!.Until!.Value, request.Reason, actor.Describe());
        await alerts.SaveQuietAsync(quiet, new AuditEvent(AuditActions.QuietStart, name, actor, now, Detail: $"until {quiet.Until:O}{(quiet.Reason is { } r ? $": {r}" : "")}"), ct);
        return TypedResults.Ok(new QuietJson(quiet.Group, quiet.Since, quiet.Until, quiet.Reason, quiet.By));
    }

    public static async Task<IResult> EndQuiet(string name, HttpContext context, AlertRepository alerts, TimeProvider clock, CancellationToken ct) =>
        await alerts.EndQuietAsync(name, new AuditEvent(AuditActions.QuietEnd, name, context.Actor(), clock.GetUtcNow()), ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"the group {name} has no quiet period", statusCode: StatusCodes.Status404NotFound);

    public static async Task<IResult> ListChannels(AlertChannels channels, CancellationToken ct) =>
        TypedResults.Ok((await channels.AllAsync(ct)).Select(ChannelView.Of).ToList());

    /// <summary>Creates or changes a channel: fields left out are kept, secrets too (they are never read back).</summary>
    public static async Task<IResult> SaveChannel(string name, ChannelRequest? request, HttpContext context, AlertChannels channels, CancellationToken ct)
    {
        try
        {
            var (channel, created) = await channels.SaveAsync(name, request ?? new ChannelRequest(), context.Actor(), ct);
            return created ? TypedResults.Created($"/api/v1/alert-channels/{name}", ChannelView.Of(channel)) : TypedResults.Ok(ChannelView.Of(channel));
        }
        catch (ChannelRefusedException e)
        {
            return TypedResults.ValidationProblem(e.Errors);
        }
    }

    public static async Task<IResult> DeleteChannel(string name, HttpContext context, AlertChannels channels, CancellationToken ct)
    {
        try
        {
            return await channels.DeleteAsync(name, context.Actor(), ct)
                ? TypedResults.NoContent()
                : TypedResults.Problem($"there is no channel {name}", statusCode: StatusCodes.Status404NotFound);
        }
        catch (ChannelRefusedException e)
        {
            return TypedResults.ValidationProblem(e.Errors);
        }
    }

    /// <summary>Queues a test alert for the channel alone; its delivery shows in <c>GET /alerts</c> like any other.</summary>
    public static async Task<IResult> TestChannel(string name, HttpContext context, AlertChannels channels, AlertRepository alerts, AlertOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        if (await channels.FindAsync(name, ct) is null)
        {
            return TypedResults.Problem($"there is no channel {name}", statusCode: StatusCodes.Status404NotFound);
        }

        var id = await alerts.AddTestAsync(name, new AuditEvent(AuditActions.ChannelTest, name, context.Actor(), clock.GetUtcNow()), ct);
        outbox.Wake();
        return TypedResults.Accepted($"/api/v1/alerts?limit=1", new TestQueued(id, name));
    }
}

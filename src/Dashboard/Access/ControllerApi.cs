using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace HaCluster.Dashboard.Access;

/// <summary>
/// The controller's REST routes that have no gRPC method — sign-in, who am I, users, API keys, audit, alerts — called with the
/// signed-in person's token (or, for sign-in, with none). One HTTP/2 client for every caller; the token goes on each request.
/// </summary>
public sealed class ControllerApi(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Session(string Token, DateTimeOffset ExpiresAt, string User, string Role);

    public sealed record Caller(string Name, string Role, string Via);

    public sealed record User(string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? LockedUntil);

    public sealed record ApiKey(string Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

    public sealed record ApiKeyCreated(string Key, ApiKey Info);

    public sealed record AuditEntry(long Id, DateTimeOffset At, string Action, string Target, string Who, string Role, string? Address, string? RequestId,
        string? Detail, string? Before, string? After);

    public sealed record AuditQuery(string? Who = null, string? Action = null, string? Target = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Limit = 200);

    /// <summary>Signs a local user in; <paramref name="from"/> (the browser's address) is sent as X-Forwarded-For, which the controller believes only from a proxy it is configured to trust.</summary>
    public Task<Session> SignInAsync(string user, string password, string? from, CancellationToken ct) =>
        SendAsync<Session>(HttpMethod.Post, "/api/v1/session", null, new { user, password }, ct, from);

    public Task<Caller> MeAsync(string token, CancellationToken ct) => SendAsync<Caller>(HttpMethod.Get, "/api/v1/me", token, null, ct);

    public Task<List<User>> UsersAsync(string? token, CancellationToken ct) => SendAsync<List<User>>(HttpMethod.Get, "/api/v1/users", token, null, ct);

    public Task<User> CreateUserAsync(string? token, string name, string role, string password, CancellationToken ct) =>
        SendAsync<User>(HttpMethod.Post, "/api/v1/users", token, new { name, role, password }, ct);

    public Task UpdateUserAsync(string? token, string name, string? role, string? password, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Put, $"/api/v1/users/{Uri.EscapeDataString(name)}", token, new { role, password }, ct);

    public Task DeleteUserAsync(string? token, string name, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Delete, $"/api/v1/users/{Uri.EscapeDataString(name)}", token, null, ct);

    public Task<List<ApiKey>> ApiKeysAsync(string? token, CancellationToken ct) => SendAsync<List<ApiKey>>(HttpMethod.Get, "/api/v1/apikeys", token, null, ct);

    public Task<ApiKeyCreated> CreateApiKeyAsync(string? token, string name, string role, CancellationToken ct) =>
        SendAsync<ApiKeyCreated>(HttpMethod.Post, "/api/v1/apikeys", token, new { name, role }, ct);

    public Task RevokeApiKeyAsync(string? token, string id, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Delete, $"/api/v1/apikeys/{Uri.EscapeDataString(id)}", token, null, ct);

    public Task<List<AuditEntry>> AuditAsync(string? token, AuditQuery query, CancellationToken ct)
    {
        var parameters = new List<string> { $"limit={query.Limit}" };
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parameters.Add($"{key}={Uri.EscapeDataString(value.Trim())}");
            }
        }

        Add("who", query.Who);
        Add("action", query.Action);
        Add("target", query.Target);
        Add("from", query.From?.ToString("O"));
        Add("to", query.To?.ToString("O"));
        return SendAsync<List<AuditEntry>>(HttpMethod.Get, "/api/v1/audit?" + string.Join('&', parameters), token, null, ct);
    }

    public sealed record Delivery(string Channel, string Status, int Attempts, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, string? Key);

    public sealed record Alert(long Id, DateTimeOffset At, string Subject, string? Group, string Kind, string Severity, string Summary, long? EventId,
        long? IncidentId, string? Suppressed, List<Delivery> Deliveries);

    public sealed record Incident(long Id, string Subject, string? Group, string Title, string Severity, DateTimeOffset OpenedAt, DateTimeOffset LastAlertAt,
        DateTimeOffset? RecoveredAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, int Alerts);

    public sealed record Quiet(string Group, DateTimeOffset Since, DateTimeOffset Until, string? Reason, string By);

    public sealed record Channel(string Name, string Type, bool Enabled, string Source, string? Host, int? Port, string? Security, string? From, List<string>? To,
        string? User, bool PasswordSet, string? CaFile, string? Url, string? Format, bool SecretSet, List<string> Groups, List<string> Kinds, string MinSeverity,
        DateTimeOffset? UpdatedAt, string? UpdatedBy);

    /// <summary>A channel change: what is null is left as it is (secrets included: they are never read back).</summary>
    public sealed record ChannelChange(string? Type, bool? Enabled, string? Host, int? Port, string? Security, string? From, List<string>? To, string? User,
        string? Password, string? Url, string? Format, string? Secret, List<string>? Groups, List<string>? Kinds, string? MinSeverity);

    public sealed record TestQueued(long AlertId, string Channel);

    public Task<List<Alert>> AlertsAsync(string? token, string? group, long? incident, int limit, CancellationToken ct)
    {
        var query = $"limit={limit}" + (group is null ? "" : $"&group={Uri.EscapeDataString(group)}") + (incident is null ? "" : $"&incident={incident}");
        return SendAsync<List<Alert>>(HttpMethod.Get, "/api/v1/alerts?" + query, token, null, ct);
    }

    public Task<List<Incident>> IncidentsAsync(string? token, string? group, CancellationToken ct) =>
        SendAsync<List<Incident>>(HttpMethod.Get, "/api/v1/incidents" + (group is null ? "" : $"?group={Uri.EscapeDataString(group)}"), token, null, ct);

    public Task<Incident> AcknowledgeAsync(string? token, long id, CancellationToken ct) =>
        SendAsync<Incident>(HttpMethod.Post, $"/api/v1/incidents/{id}/acknowledge", token, null, ct);

    public Task<List<Quiet>> QuietAsync(string? token, CancellationToken ct) => SendAsync<List<Quiet>>(HttpMethod.Get, "/api/v1/quiet", token, null, ct);

    public Task<Quiet> StartQuietAsync(string? token, string group, DateTimeOffset until, string? reason, CancellationToken ct) =>
        SendAsync<Quiet>(HttpMethod.Put, $"/api/v1/groups/{Uri.EscapeDataString(group)}/quiet", token, new { until, reason }, ct);

    public Task EndQuietAsync(string? token, string group, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Delete, $"/api/v1/groups/{Uri.EscapeDataString(group)}/quiet", token, null, ct);

    public Task<List<Channel>> ChannelsAsync(string? token, CancellationToken ct) => SendAsync<List<Channel>>(HttpMethod.Get, "/api/v1/alert-channels", token, null, ct);

    public Task<Channel> SaveChannelAsync(string? token, string name, ChannelChange change, CancellationToken ct) =>
        SendAsync<Channel>(HttpMethod.Put, $"/api/v1/alert-channels/{Uri.EscapeDataString(name)}", token, change, ct);

    public Task DeleteChannelAsync(string? token, string name, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Delete, $"/api/v1/alert-channels/{Uri.EscapeDataString(name)}", token, null, ct);

    public Task<TestQueued> TestChannelAsync(string? token, string name, CancellationToken ct) =>
        SendAsync<TestQueued>(HttpMethod.Post, $"/api/v1/alert-channels/{Uri.EscapeDataString(name)}/test", token, null, ct);

    public sealed record TrackShare(string Kind, string Name, int Weight, bool Reverse, string State, int Value, int Delta, bool Faults);

    public sealed record PriorityParts(int BasePriority, int EffectivePriority, bool Maintenance, bool Fault, List<TrackShare> Tracks);

    public sealed record Peer(string Node, string? State, int? Priority, bool Stale, bool Connected, PriorityParts? Breakdown);

    public sealed record EventItem(long Id, string Kind, DateTimeOffset At, string? Node, string? Group, string? Instance, string? FromState, string? ToState,
        string? Reason, int? Priority, string? FromHealth, string? ToHealth, bool? Connected, bool? Accepted, string? Detail, double? TakeoverMs);

    public sealed record MemberDiff(string Node, List<string> Lines);

    public sealed record RevisionDiff(int From, int To, bool GroupChanged, List<MemberDiff> Members);

    /// <summary>"Why did it fail over": one transition explained.</summary>
    public sealed record Why(EventItem Event, string Cause, PriorityParts? Breakdown, List<Peer> Peers, int? Revision, RevisionDiff? RevisionDiff, List<EventItem> Around);

    public sealed record HourBucket(DateTimeOffset Hour, int Transitions, int Takeovers);

    public sealed record TakeoverPoint(long Id, DateTimeOffset At, string Node, double? Ms);

    public sealed record TakeoverStats(int Measured, double? P50Ms, double? P99Ms, double? MaxMs);

    public sealed record Analytics(string Group, DateTimeOffset From, DateTimeOffset To, List<HourBucket> Hours, int TransitionsTotal, int TakeoversTotal,
        TakeoverStats Takeover, List<TakeoverPoint> Takeovers, DateTimeOffset? LastFailoverAt, double? SecondsSinceLastFailover, bool Flapping,
        int RecentTakeovers, int FlappingTransitions, double FlappingWindowSeconds);

    public Task<Why> WhyAsync(string? token, long id, CancellationToken ct) => SendAsync<Why>(HttpMethod.Get, $"/api/v1/events/{id}/why", token, null, ct);

    public Task<Analytics> AnalyticsAsync(string? token, string group, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        SendAsync<Analytics>(HttpMethod.Get, $"/api/v1/groups/{Uri.EscapeDataString(group)}/analytics?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}", token, null, ct);

    /// <summary>An exception's message and its causes' ("An error occurred while sending the request" says nothing alone).</summary>
    private static string Reasons(Exception e)
    {
        var reasons = new List<string>();
        for (Exception? current = e; current is not null && reasons.Count < 4; current = current.InnerException)
        {
            reasons.Add(current.Message);
        }

        return string.Join(": ", reasons);
    }

    /// <summary>Whether the controller answers its readiness probe (the one route that needs no credential).</summary>
    public async Task<(bool Ready, string Detail)> ReadyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/readyz", ct);
            return (response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (false, Reasons(e));
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string? token, object? body, CancellationToken ct, string? forwardedFor = null)
    {
        // A message of one's own starts at HTTP/1.1 whatever the client's default: the gRPC endpoint speaks only HTTP/2.
        using var request = new HttpRequestMessage(method, path) { Version = http.DefaultRequestVersion, VersionPolicy = http.DefaultVersionPolicy };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new ControllerRefusal(HttpStatusCode.BadGateway, "The controller is not reachable", Reasons(e));
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ControllerRefusal.ReadAsync(response, ct);
            }

            return response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object)
                ? default!
                : (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
        }
    }
}

/// <summary>What the controller said no with: its RFC 7807 problem (title, detail, field errors), or why it could not be asked.</summary>
public sealed class ControllerRefusal(HttpStatusCode status, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null)
    : Exception($"{title}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    public string Title { get; } = title;

    public string Detail { get; } = detail;

    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>One line for a snackbar or a form: the detail, then each field error.</summary>
    public string Explain() =>
        string.Join(" ", new[] { Detail.Length > 0 ? Detail : Title }.Concat(Errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))));

    internal static async Task<ControllerRefusal> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var retryAfter = response.Headers.RetryAfter?.Delta;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(ct);
            return new ControllerRefusal(response.StatusCode, problem?.Title ?? response.ReasonPhrase ?? "", problem?.Detail ?? "", problem?.Errors, retryAfter);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return new ControllerRefusal(response.StatusCode, response.ReasonPhrase ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), "", null, retryAfter);
        }
    }

    private sealed record Problem(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using Microsoft.Extensions.Options;
using MimeKit;

namespace HaCluster.Controller.Alerts;

/// <summary>A channel as given to the API: every field optional on a change (a secret left out is kept).</summary>
public sealed record ChannelRequest(
    string? Type = null, bool? Enabled = null, string? Host = null, int? Port = null, string? Security = null, string? From = null,
    List<string>? To = null, string? User = null, string? Password = null, string? CaFile = null, string? Url = null, string? Format = null,
    string? Secret = null, List<string>? Groups = null, List<string>? Kinds = null, string? MinSeverity = null);

/// <summary>A channel as anybody may read it: the secrets only as "set", the URL only as scheme and host.</summary>
public sealed record ChannelView(
    string Name, string Type, bool Enabled, string Source, string? Host, int? Port, string? Security, string? From, IReadOnlyList<string>? To,
    string? User, bool PasswordSet, string? CaFile, string? Url, string? Format, bool SecretSet, IReadOnlyList<string> Groups, IReadOnlyList<string> Kinds,
    string MinSeverity, DateTimeOffset? UpdatedAt, string? UpdatedBy)
{
    public static ChannelView Of(AlertChannel c)
    {
        var smtp = c.Type == ChannelTypes.Smtp;
        return new(c.Name, c.Type, c.Enabled, c.FromConfiguration ? "configuration" : "api",
            smtp ? c.Host : null, smtp ? c.Port : null, smtp ? c.Security : null, smtp ? c.From : null, smtp ? c.To : null, smtp ? c.User : null,
            c.Password is not null, smtp ? c.CaFile : null, smtp ? null : c.UrlShown, smtp ? null : c.Format, c.Secret is not null,
            c.Route.Groups, c.Route.Kinds, c.Route.MinSeverity.Name(), c.FromConfiguration ? null : c.UpdatedAt, c.UpdatedBy);
    }
}

/// <summary>Why a channel change was refused: the field and what is wrong, as a validation problem carries it.</summary>
public sealed class ChannelRefusedException(Dictionary<string, string[]> errors) : Exception(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public Dictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>
/// The channels alerts go to: the configuration file's SMTP channel (read-only here) and those created through the API,
/// validated, their secrets write-only and encrypted at rest, every change audited. Read often (by the outbox, on each
/// batch with an alert), so kept in memory and read again after each change.
/// </summary>
public sealed partial class AlertChannels(AlertRepository repository, IOptions<AlertOptions> options, TimeProvider clock)
{
    public const int MaxChannels = 50;
    public const int MaxRecipients = 50;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private IReadOnlyList<AlertChannel>? _cache;

    public async Task<IReadOnlyList<AlertChannel>> AllAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _cache) is { } cached)
        {
            return cached;
        }

        IReadOnlyList<AlertChannel> all = [.. options.Value.MailChannelOf() is { } mail ? [mail] : Array.Empty<AlertChannel>(), .. await repository.ChannelsAsync(ct)];
        Volatile.Write(ref _cache, all);
        return all;
    }

    public async Task<AlertChannel?> FindAsync(string name, CancellationToken ct) => (await AllAsync(ct)).FirstOrDefault(c => c.Name == name);

    /// <summary>Creates or changes a channel; true when created. Throws <see cref="ChannelRefusedException"/> with what is wrong.</summary>
    public async Task<(AlertChannel Channel, bool Created)> SaveAsync(string name, ChannelRequest request, Actor actor, CancellationToken ct)
    {
        var existing = await FindAsync(name, ct);
        if (existing is { FromConfiguration: true })
        {
            throw new ChannelRefusedException(new() { ["name"] = [$"'{name}' is the configuration file's channel (Alerts:SmtpHost); change it there"] });
        }

        if (existing is null && (await AllAsync(ct)).Count(c => !c.FromConfiguration) >= MaxChannels)
        {
            throw new ChannelRefusedException(new() { ["name"] = [$"there are {MaxChannels} channels already"] });
        }

        var (channel, errors) = Merge(name, existing, request);
        if (errors.Count > 0)
        {
            throw new ChannelRefusedException(errors);
        }

        channel = channel with { UpdatedAt = clock.GetUtcNow(), UpdatedBy = actor.Describe() };
        var audit = new AuditEvent(existing is null ? AuditActions.ChannelCreate : AuditActions.ChannelUpdate, name, actor, clock.GetUtcNow(),
            Before: existing is null ? null : Shown(existing), After: Shown(channel));
        var created = await repository.SaveChannelAsync(channel, audit, ct);
        Volatile.Write(ref _cache, null);
        return (channel, created);
    }

    /// <summary>Deletes a channel: true; false when there is none; refused for the configuration file's.</summary>
    public async Task<bool> DeleteAsync(string name, Actor actor, CancellationToken ct)
    {
        var existing = await FindAsync(name, ct);
        if (existing is { FromConfiguration: true })
        {
            throw new ChannelRefusedException(new() { ["name"] = [$"'{name}' is the configuration file's channel (Alerts:SmtpHost); remove it there"] });
        }

        if (existing is null)
        {
            return false;
        }

        var deleted = await repository.DeleteChannelAsync(name, new AuditEvent(AuditActions.ChannelDelete, name, actor, clock.GetUtcNow(), Before: Shown(existing)), ct);
        Volatile.Write(ref _cache, null);
        return deleted;
    }

    private static string Shown(AlertChannel channel) => JsonSerializer.Serialize(ChannelView.Of(channel) with { UpdatedAt = null, UpdatedBy = null }, Json);

    /// <summary>The channel <paramref name="request"/> makes of <paramref name="existing"/> (or of nothing), and every problem with it.</summary>
    public static (AlertChannel Channel, Dictionary<string, string[]> Errors) Merge(string name, AlertChannel? existing, ChannelRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];
        if (!NameRule().IsMatch(name))
        {
            Error("name", $"'{Cut(name)}' is not a channel name (a-z, 0-9, '.', '_' and '-', up to {AlertChannel.MaxName}, starting with a letter or digit)");
        }

        var type = request.Type ?? existing?.Type;
        if (type is not (ChannelTypes.Smtp or ChannelTypes.Webhook))
        {
            Error("type", type is null ? "required: smtp or webhook" : $"'{Cut(type)}' is not smtp or webhook");
            type = ChannelTypes.Webhook;
        }

        var minSeverity = existing?.Route.MinSeverity ?? AlertSeverity.Info;
        if (request.MinSeverity is { } severityText && !AlertSeverities.TryParse(severityText, out minSeverity))
        {
            Error("minSeverity", $"'{Cut(severityText)}' is not info, warning or critical");
        }

        var groups = request.Groups ?? [.. existing?.Route.Groups ?? []];
        if (groups.Count > 100 || groups.Any(g => g is not { Length: > 0 and <= 64 }))
        {
            Error("groups", "at most 100 group names, each 1 to 64 characters");
        }

        var kinds = request.Kinds ?? [.. existing?.Route.Kinds ?? []];
        foreach (var kind in kinds.Where(k => !AlertKinds.All.Contains(k)).Take(5))
        {
            Error("kinds", $"'{Cut(kind)}' is not one of {string.Join(", ", AlertKinds.All)}");
        }

        var same = existing?.Type == type ? existing : null;
        var channel = new AlertChannel(name, type, request.Enabled ?? existing?.Enabled ?? true, new AlertRoute([.. groups.Distinct()], [.. kinds.Distinct()], minSeverity));
        if (type == ChannelTypes.Smtp)
        {
            channel = channel with
            {
                Host = request.Host ?? same?.Host,
                Port = request.Port ?? same?.Port ?? 25,
                Security = request.Security ?? same?.Security ?? SmtpSecurity.StartTls,
                From = request.From ?? same?.From,
                To = request.To ?? same?.To ?? [],
                User = request.User ?? same?.User,
                Password = request.Password ?? same?.Password,
                CaFile = request.CaFile ?? same?.CaFile,
            };
            CheckSmtp(channel, Error);
        }
        else
        {
            channel = channel with
            {
                Url = request.Url ?? same?.Url,
                Format = request.Format ?? same?.Format ?? WebhookFormats.Json,
                Secret = request.Secret ?? same?.Secret,
            };
            CheckWebhook(channel, Error);
        }

        return (channel, errors);
    }

    private static void CheckSmtp(AlertChannel c, Action<string, string> error)
    {
        if (c.Host is not { Length: > 0 and <= 253 } || Uri.CheckHostName(c.Host) == UriHostNameType.Unknown)
        {
            error("host", c.Host is null ? "required for an smtp channel" : $"'{Cut(c.Host)}' is not a host name or address");
        }

        if (c.Port is < 1 or > 65535)
        {
            error("port", $"{c.Port} is not a port (1-65535)");
        }

        if (!SmtpSecurity.All.Contains(c.Security))
        {
            error("security", $"'{Cut(c.Security)}' is not starttls, tls or none");
        }
        else if (c.Security == SmtpSecurity.None && (c.User is { Length: > 0 } || c.Password is not null))
        {
            error("user", "a login is sent only over TLS: security starttls or tls");
        }

        if (c.From is null || c.From.Length > 254 || !MailboxAddress.TryParse(c.From, out _))
        {
            error("from", c.From is null ? "required for an smtp channel" : $"'{Cut(c.From)}' is not a mail address");
        }

        if (c.To.Count is 0 or > MaxRecipients)
        {
            error("to", $"1 to {MaxRecipients} recipients");
        }

        foreach (var to in c.To.Where(t => t.Length > 254 || !MailboxAddress.TryParse(t, out _)).Take(5))
        {
            error("to", $"'{Cut(to)}' is not a mail address");
        }

        if (c.User is { Length: > 256 } || c.Password is { Length: > 1024 })
        {
            error("user", "the user is at most 256 characters, the password 1024");
        }

        if (c.CaFile is { } ca && (ca.Length > 1024 || !Path.IsPathFullyQualified(ca) || !File.Exists(ca)))
        {
            error("caFile", $"'{Cut(ca)}' is not an absolute path to an existing PEM file on the controller");
        }
    }

    private static void CheckWebhook(AlertChannel c, Action<string, string> error)
    {
        if (c.Url is null)
        {
            error("url", "required for a webhook channel");
        }
        else if (c.Url.Length > 2048 || !Uri.TryCreate(c.Url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0)
        {
            error("url", "not an absolute http(s) URL of at most 2048 characters without a login in it");
        }
        else if (!(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri))))
        {
            error("url", "https only (plain http only to a loopback address: a relay on the controller's host)");
        }

        if (c.Format is not (WebhookFormats.Json or WebhookFormats.Slack))
        {
            error("format", $"'{Cut(c.Format)}' is not json or slack");
        }
        else if (c.Format == WebhookFormats.Json && c.Secret is not { Length: >= 16 and <= 256 })
        {
            error("secret", "a json webhook is signed: a secret of 16 to 256 characters is required");
        }
    }

    private static bool IsLoopback(Uri uri) => uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    private static string Cut(string text) => text.Length <= 64 ? text : text[..64] + "…";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NameRule();
}

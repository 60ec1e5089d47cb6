using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HaCluster.Controller.Domain;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace HaCluster.Controller.Alerts;

/// <summary>How one attempt went: delivered, worth retrying (the receiver is away, slow or failing), or refused for good.</summary>
public enum SendOutcome
{
    Delivered,
    Retry,
    Refused,
}

/// <summary>Sends one message to one channel of its type.</summary>
public interface IAlertSender
{
    string Type { get; }

    Task<(SendOutcome Outcome, string? Error)> SendAsync(AlertChannel channel, AlertMessage message, TimeSpan timeout, CancellationToken ct);
}

/// <summary>
/// Mail through MailKit: STARTTLS unless the channel says otherwise (then SMTPS, or plain for a relay on the host), a
/// login only over TLS, the idempotency key as the Message-ID and the incident as References (mail clients thread an
/// incident's messages). A 5xx reply is refused for good; anything else is retried.
/// </summary>
public sealed class SmtpSender : IAlertSender
{
    public string Type => ChannelTypes.Smtp;

    public async Task<(SendOutcome, string?)> SendAsync(AlertChannel channel, AlertMessage message, TimeSpan timeout, CancellationToken ct)
    {
        var mail = new MimeMessage { Subject = message.Subject, Body = new TextPart("plain") { Text = message.Text }, MessageId = $"{message.Key}@hacluster" };
        mail.From.Add(MailboxAddress.Parse(channel.From!));
        mail.To.AddRange(channel.To.Select(MailboxAddress.Parse));
        if (message.Incident is { } incident)
        {
            mail.References.Add($"incident-{incident.Id}@hacluster");
        }

        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            using var smtp = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
            if (channel.CaFile is { } caFile)
            {
                var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
                smtp.ServerCertificateValidationCallback = (_, certificate, _, errors) => Trusted(ca, certificate, errors);
            }

            var security = channel.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            await smtp.ConnectAsync(channel.Host!, channel.Port, security, limit.Token);
            if (channel.User is { Length: > 0 } user && smtp.IsSecure)
            {
                await smtp.AuthenticateAsync(user, channel.Password ?? "", limit.Token);
            }

            await smtp.SendAsync(mail, limit.Token);
            await smtp.DisconnectAsync(quit: true, limit.Token);
            return (SendOutcome.Delivered, null);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            return (SendOutcome.Refused, $"{(int)e.StatusCode} {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return (SendOutcome.Retry, e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : e.Message);
        }
    }

    /// <summary>The server's chain ends in the channel's CA (and names the host).</summary>
    private static bool Trusted(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}

/// <summary>
/// A JSON POST. HaCluster's own body is signed: <c>X-HaCluster-Signature: t=UNIX,v1=HEX</c>, HEX being
/// HMAC-SHA256(secret, "UNIX.BODY"), so a receiver checks both the body and its age (a replay later is refused);
/// <c>Idempotency-Key</c> names the message. A 2xx is delivered; 5xx, 408, 429 and no answer are retried; any other
/// answer (4xx, a redirect) is refused for good.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider clock) : IAlertSender
{
    public const string HttpClientName = "alert-webhooks";
    public const string SignatureHeader = "X-HaCluster-Signature";

    public string Type => ChannelTypes.Webhook;

    /// <summary>The signature header's value for <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string Sign(string secret, long unixSeconds, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}"));
        return $"t={unixSeconds},v1={Convert.ToHexStringLower(mac)}";
    }

    public async Task<(SendOutcome, string?)> SendAsync(AlertChannel channel, AlertMessage message, TimeSpan timeout, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var body = channel.Format == WebhookFormats.Slack ? message.ToSlack() : message.ToJson(now);
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", message.Key);
        if (channel.Secret is { } secret)
        {
            request.Headers.Add(SignatureHeader, Sign(secret, now.ToUnixTimeSeconds(), body));
        }

        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => (SendOutcome.Delivered, null),
                >= 500 or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests => (SendOutcome.Retry, $"HTTP {status} {response.ReasonPhrase}"),
                _ => (SendOutcome.Refused, $"HTTP {status} {response.ReasonPhrase}"),
            };
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (SendOutcome.Retry, e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : e.Message);
        }
    }
}

using System.Net;
using HaCluster.Controller.Pki;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Security;

/// <summary>
/// What every answer carries and every request must have: HSTS (TLS is always on), no framing, no MIME sniffing, no
/// referrer; and a Host header naming this controller — by default the names of its server certificate
/// (<c>Tls:ServerNames</c>), or <c>AllowedHosts</c> when set (the host's own filtering middleware enforces it).
/// </summary>
public static class WebHardening
{
    /// <summary>Every request body not given its own cap (groups: 256 KiB; gRPC: per message) is refused above this, with 413.</summary>
    public const long DefaultBodyLimit = 64 * 1024;

    public static IServiceCollection AddWebHardening(this IServiceCollection services, IConfiguration configuration)
    {
        // No server-wide cap: Kestrel applies it to HTTP/2 data frames as they arrive, before gRPC lifts it for its own
        // calls, so a gRPC message over 64 KiB failed at random (UNKNOWN, logged at error). Set per request instead.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = null);
        // X-Forwarded-For and -Proto only from the proxies named in Proxies:Known (none by default, loopback included).
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in configuration.GetSection("Proxies:Known").Get<string[]>() ?? [])
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
            }
        });
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.ExcludedHosts.Clear(); // loopback too: there is no plain-http endpoint to fall back to
        });
        if (string.IsNullOrEmpty(configuration["AllowedHosts"]))
        {
            services.AddOptions<HostFilteringOptions>().Configure<IOptions<TlsOptions>>((o, tls) =>
                o.AllowedHosts = [.. tls.Value.ResolveServerNames().Select(n => IPAddress.TryParse(n, out var a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{n}]" : n), "localhost"]);
        }

        return services;
    }

    public static WebApplication UseWebHardening(this WebApplication app)
    {
        // With no proxy configured the middleware is left out: with empty lists it would believe anyone's X-Forwarded-For.
        if (app.Configuration.GetSection("Proxies:Known").Get<string[]>() is { Length: > 0 })
        {
            app.UseForwardedHeaders();
        }

        // Every body but a gRPC call's is capped here, first thing (a route's own RequestSizeLimit raises it later);
        // gRPC caps each message itself (MaxReceiveMessageSize: RESOURCE_EXHAUSTED).
        app.Use(static (context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true
                && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = DefaultBodyLimit;
            }

            return next(context);
        });
        app.UseHsts();
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        return app;
    }
}

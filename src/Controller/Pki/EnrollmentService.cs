using Grpc.Core;
using HaCluster.Contracts;
using Microsoft.AspNetCore.Authorization;

namespace HaCluster.Controller.Pki;

/// <summary>
/// gRPC <c>Enrollment</c>, open to anyone: the join token is the credential. <c>GetCa</c> shows the CA an agent compares
/// with its token's pin; <c>Enroll</c> redeems the token for a certificate over the agent's own key.
/// </summary>
[AllowAnonymous]
public sealed class EnrollmentService(ControllerPki pki, Credentials credentials) : Enrollment.EnrollmentBase
{
    public override Task<CaCertificate> GetCa(GetCaRequest request, ServerCallContext context)
    {
        try
        {
            return Task.FromResult(new CaCertificate { Pem = pki.RequireAuthority().Pem });
        }
        catch (PkiRefusedException e)
        {
            throw ToRpc(e);
        }
    }

    public override async Task<EnrollReply> Enroll(EnrollRequest request, ServerCallContext context)
    {
        try
        {
            var certificate = await credentials.EnrollAsync(request.Token, request.Node, request.CsrPem, context.Peer, context.CancellationToken);
            return new EnrollReply { CertificatePem = certificate.ExportCertificatePem() + "\n", CaPem = pki.RequireAuthority().Pem };
        }
        catch (PkiRefusedException e)
        {
            throw ToRpc(e);
        }
    }

    public static RpcException ToRpc(PkiRefusedException e) => new(new Status(
        e.Kind switch
        {
            Refusal.Invalid => StatusCode.InvalidArgument,
            Refusal.NotFound => StatusCode.NotFound,
            _ => StatusCode.PermissionDenied,
        },
        e.Message));
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class Credentials : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "issued_certificates",
            columns: table => new
            {
                Serial = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                IssuedFor = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_issued_certificates", x => x.Serial);
            });

        migrationBuilder.CreateTable(
            name: "join_tokens",
            columns: table => new
            {
                Id = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                SecretHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Node = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                UsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                UsedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_join_tokens", x => x.Id);
            });

        migrationBuilder.CreateIndex(
            name: "IX_issued_certificates_Name_Role",
            table: "issued_certificates",
            columns: new[] { "Name", "Role" });

        migrationBuilder.CreateIndex(
            name: "IX_issued_certificates_RevokedAt",
            table: "issued_certificates",
            column: "RevokedAt");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "issued_certificates");

        migrationBuilder.DropTable(
            name: "join_tokens");
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class InitialCreate : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "audit_entries",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Who = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                Action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                GroupName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Before = table.Column<string>(type: "text", nullable: true),
                After = table.Column<string>(type: "text", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_audit_entries", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "config_revisions",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                GroupName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Revision = table.Column<int>(type: "integer", nullable: false),
                Node = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                Text = table.Column<string>(type: "text", nullable: false),
                Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_config_revisions", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "groups",
            columns: table => new
            {
                Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Json = table.Column<string>(type: "text", nullable: false),
                Revision = table.Column<int>(type: "integer", nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_groups", x => x.Name);
            });

        migrationBuilder.CreateIndex(
            name: "IX_audit_entries_GroupName",
            table: "audit_entries",
            column: "GroupName");

        migrationBuilder.CreateIndex(
            name: "IX_config_revisions_GroupName_Revision_Node",
            table: "config_revisions",
            columns: new[] { "GroupName", "Revision", "Node" },
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "audit_entries");

        migrationBuilder.DropTable(
            name: "config_revisions");

        migrationBuilder.DropTable(
            name: "groups");
    }
}

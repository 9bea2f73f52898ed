package io.s2mtls.core.policy;

import io.s2mtls.core.user.DatabaseUser;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.ServerDescription;
import io.s2mtls.core.user.TlsRequirement;
import io.s2mtls.core.user.UserAccount;
import io.s2mtls.core.user.UserCommand;
import io.s2mtls.core.port.UserDirectory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A server in memory: accounts with a requirement and grants. {@code exposesRequirement} false behaves
 * like SingleStore (no read-back). {@code failAfterCommands} simulates a process killed part way.
 */
final class FakeDirectory implements UserDirectory {
    record Account(TlsRequirement requirement, Set<String> grants) {
    }

    final Map<UserAccount, Account> accounts = new LinkedHashMap<>();
    final boolean exposesRequirement;
    int failAfterCommands = Integer.MAX_VALUE;
    int executed;
    Optional<UserAccount> admin = Optional.empty();

    FakeDirectory(boolean exposesRequirement) {
        this.exposesRequirement = exposesRequirement;
    }

    @Override
    public ServerDescription server() {
        return new ServerDescription(exposesRequirement ? "mariadb" : "singlestore", "test", "");
    }

    @Override
    public List<String> plannedSql(List<? extends UserCommand> commands) {
        List<String> sql = new ArrayList<>();
        for (UserCommand command : commands) {
            if (command instanceof UserCommand.CreateUser create) {
                sql.add("CREATE USER " + create.account() + " REQUIRE " + describe(create.policy().requirement()));
                create.policy().grants().forEach(g -> sql.add("GRANT " + g + " TO " + create.account()));
            } else if (command instanceof UserCommand.AlterUser alter) {
                sql.add("ALTER USER " + alter.account() + " REQUIRE " + describe(alter.requirement()));
            } else if (command instanceof UserCommand.Grant grant) {
                sql.add("GRANT " + grant.grant() + " TO " + grant.account());
            } else if (command instanceof UserCommand.Revoke revoke) {
                sql.add("REVOKE " + revoke.grant() + " FROM " + revoke.account());
            } else if (command instanceof UserCommand.DropUser drop) {
                sql.add("DROP USER IF EXISTS " + drop.account());
            }
        }
        return sql;
    }

    static String describe(TlsRequirement requirement) {
        return requirement instanceof TlsRequirement.Subject s ? "SUBJECT '" + s.oneline() + "'" : requirement.keyword();
    }

    @Override
    public List<String> execute(List<? extends UserCommand> commands) {
        for (UserCommand command : commands) {
            if (executed++ >= failAfterCommands) {
                throw new IllegalStateException("killed");
            }
            if (command instanceof UserCommand.CreateUser create) {
                Set<String> grants = new LinkedHashSet<>();
                create.policy().grants().forEach(g -> grants.add(g.toString()));
                accounts.put(create.account(), new Account(create.policy().requirement(), grants));
            } else if (command instanceof UserCommand.AlterUser alter) {
                Account old = accounts.get(alter.account());
                accounts.put(alter.account(), new Account(alter.requirement(), old.grants()));
            } else if (command instanceof UserCommand.Grant grant) {
                accounts.get(grant.account()).grants().add(grant.grant().toString());
            } else if (command instanceof UserCommand.Revoke revoke) {
                accounts.get(revoke.account()).grants().remove(revoke.grant().toString());
            } else if (command instanceof UserCommand.DropUser drop) {
                accounts.remove(drop.account());
            }
        }
        return plannedSql(commands);
    }

    @Override
    public List<UserAccount> list() {
        return List.copyOf(accounts.keySet());
    }

    @Override
    public Optional<DatabaseUser> show(UserAccount account) {
        Account found = accounts.get(account);
        if (found == null) {
            return Optional.empty();
        }
        List<String> grants = new ArrayList<>();
        grants.add("GRANT USAGE ON *.* TO `" + account.name() + "`@`" + account.host() + "`");
        for (String grant : found.grants()) {
            grants.add("GRANT " + PrivilegeGrant.parse(grant, io.s2mtls.core.user.GrantRules.SERVER) + " TO `" + account.name() + "`@`" + account.host() + "`");
        }
        return Optional.of(new DatabaseUser(account, exposesRequirement ? Optional.of(found.requirement()) : Optional.empty(),
                grants, Optional.empty(), List.of()));
    }

    @Override
    public Optional<UserAccount> adminAccount() {
        return admin;
    }

    Map<UserAccount, Optional<DatabaseUser>> observe(List<UserAccount> wanted) {
        Map<UserAccount, Optional<DatabaseUser>> observed = new LinkedHashMap<>();
        wanted.forEach(a -> observed.put(a, show(a)));
        return observed;
    }

    @Override
    public void close() {
    }
}

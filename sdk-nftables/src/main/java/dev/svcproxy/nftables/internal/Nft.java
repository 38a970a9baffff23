// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

/** nf_tables netlink numbers (linux/netfilter/nf_tables.h, nfnetlink.h) and libnftnl's user-data tags. */
final class Nft {
    private Nft() {
    }

    static final int SUBSYS = 10; // NFNL_SUBSYS_NFTABLES

    static final int NEWTABLE = 0;
    static final int GETTABLE = 1;
    static final int DELTABLE = 2;
    static final int NEWCHAIN = 3;
    static final int GETCHAIN = 4;
    static final int DELCHAIN = 5;
    static final int NEWRULE = 6;
    static final int GETRULE = 7;
    static final int DELRULE = 8;
    static final int NEWSET = 9;
    static final int GETSET = 10;
    static final int DELSET = 11;
    static final int NEWSETELEM = 12;
    static final int GETSETELEM = 13;
    static final int DELSETELEM = 14;
    static final int DESTROYTABLE = 26;
    static final int DESTROYCHAIN = 27;
    static final int DESTROYRULE = 28;
    static final int DESTROYSET = 29;
    static final int DESTROYSETELEM = 30;

    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;

    static final int TABLE_NAME = 1;
    static final int TABLE_FLAGS = 2;
    static final int TABLE_HANDLE = 4;
    static final int TABLE_USERDATA = 6;

    static final int CHAIN_TABLE = 1;
    static final int CHAIN_HANDLE = 2;
    static final int CHAIN_NAME = 3;
    static final int CHAIN_HOOK = 4;
    static final int CHAIN_POLICY = 5;
    static final int CHAIN_TYPE = 7;
    static final int CHAIN_USERDATA = 12;
    static final int HOOK_HOOKNUM = 1;
    static final int HOOK_PRIORITY = 2;

    static final int RULE_TABLE = 1;
    static final int RULE_CHAIN = 2;
    static final int RULE_HANDLE = 3;
    static final int RULE_EXPRESSIONS = 4;
    static final int RULE_POSITION = 6;
    static final int RULE_USERDATA = 7;
    static final int NLM_F_APPEND = 0x800;
    static final int NLM_F_REPLACE = 0x100;

    static final int SET_TABLE = 1;
    static final int SET_NAME = 2;
    static final int SET_FLAGS = 3;
    static final int SET_KEY_TYPE = 4;
    static final int SET_KEY_LEN = 5;
    static final int SET_DATA_TYPE = 6;
    static final int SET_DATA_LEN = 7;
    static final int SET_DESC = 9;
    static final int SET_ID = 10;
    static final int SET_TIMEOUT = 11;
    static final int SET_USERDATA = 13;
    static final int SET_F_ANONYMOUS = 0x1;
    static final int SET_F_MAP = 0x8;

    static final int SET_ELEM_LIST_TABLE = 1;
    static final int SET_ELEM_LIST_SET = 2;
    static final int SET_ELEM_LIST_ELEMENTS = 3;
    static final int SET_ELEM_LIST_SET_ID = 4;
    static final int SET_ELEM_KEY = 1;
    static final int SET_ELEM_DATA = 2;
    static final int SET_ELEM_FLAGS = 3;
    static final int SET_ELEM_TIMEOUT = 4;
    static final int SET_ELEM_EXPIRATION = 5;
    static final int SET_ELEM_USERDATA = 6;
    static final int SET_ELEM_INTERVAL_END = 1;

    static final int LIST_ELEM = 1;
    static final int DATA_VALUE = 1;
    static final int DATA_VERDICT = 2;
    static final int VERDICT_CODE = 1;
    static final int VERDICT_CHAIN = 2;

    /** libnftnl user data: comments (table, chain and element comments are tag 0; a set's is tag 7). */
    static final int UDATA_COMMENT = 0;
    static final int UDATA_SET_COMMENT = 7;
    static final int UDATA_SET_KEYBYTEORDER = 0;
    static final int UDATA_SET_DATABYTEORDER = 1;
    static final int UDATA_SET_DATA_INTERVAL = 6;

    static int type(int msg) {
        return SUBSYS << 8 | msg;
    }
}

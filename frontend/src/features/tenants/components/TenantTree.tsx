import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ChevronIcon } from '../../../components/Icons';
import { QueryError } from '../../../components/QueryError';
import { getFragmentData, type FragmentType } from '../../../gql';
import type { TenantOrder } from '../../../gql/graphql';
import { useI18n } from '../../../i18n/context';
import { pluralForm } from '../../../lib/plural';
import { TenantChildrenQuery, TenantRootsQuery, TenantTreeItemFragment, VisibleTenantsQuery } from '../operations';
import { treeKeyAction, type TreeItemState } from '../treeKeys';

/** Tenants per page of a tree level. */
export const TREE_PAGE_SIZE = 50;
/** How many tenants the fallback (no visible root) looks at. */
const VISIBLE_LIMIT = 100;

interface TreeState {
  expanded: ReadonlySet<string>;
  toggle(id: string): void;
  /** The item with tabindex 0 (roving tabindex); null: the first item. */
  active: string | null;
  setActive(id: string): void;
}

const TreeContext = createContext<TreeState | null>(null);
/** The order of every level of the tree (issue 15.3); undefined: by name. */
const OrderContext = createContext<TenantOrder | undefined>(undefined);

function useTree(): TreeState {
  const tree = useContext(TreeContext);
  if (!tree) throw new Error('useTree outside <TenantTree>');
  return tree;
}

/** `/users?tenant=…`: the users of one tenant (Tenant.users). */
export function tenantUsersPath(tenantId: string): string {
  return `/users?${new URLSearchParams({ tenant: tenantId }).toString()}`;
}

function readItems(tree: HTMLElement): { elements: HTMLElement[]; states: TreeItemState[] } {
  const elements = [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')];
  const states = elements.map((el) => {
    const expanded = el.getAttribute('aria-expanded');
    return {
      id: el.dataset['id'] ?? '',
      level: Number(el.getAttribute('aria-level') ?? '1'),
      expanded: expanded === null ? undefined : expanded === 'true',
      label: el.dataset['label'] ?? el.textContent ?? '',
    };
  });
  return { elements, states };
}

/**
 * The tenants as a tree (head office → sites, holding → companies), WAI-ARIA
 * tree view with a roving tabindex: arrows move and open or close, Home/End,
 * `*` opens the siblings, typing a letter jumps to the next name; Enter (or
 * a click) opens the tenant's users. Children load when a node opens.
 */
/** The tree; remount it (a key) when the order changes, so that no level keeps a cursor of the old order. */
export function TenantTree({ orderBy }: { orderBy?: TenantOrder | undefined }) {
  const { t } = useI18n();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [active, setActive] = useState<string | null>(null);
  const ref = useRef<HTMLUListElement>(null);

  const toggle = useCallback((id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const state = useMemo<TreeState>(() => ({ expanded, toggle, active, setActive }), [expanded, toggle, active]);

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>): void => {
    if (!ref.current || e.altKey || e.ctrlKey || e.metaKey) return;
    const { elements, states } = readItems(ref.current);
    const current = elements.findIndex((el) => el === document.activeElement);
    if (current < 0) return;
    const action = treeKeyAction(states, current, e.key);
    if (!action) {
      if (e.key.startsWith('Arrow')) e.preventDefault(); // do not scroll the page
      return;
    }
    e.preventDefault();
    switch (action.type) {
      case 'focus': {
        const el = elements[action.index];
        el?.focus();
        if (el?.dataset['id']) setActive(el.dataset['id']);
        break;
      }
      case 'expand':
      case 'collapse': {
        const id = states[action.index]?.id;
        if (id) toggle(id);
        break;
      }
      case 'activate':
        elements[action.index]?.click();
        break;
      case 'expandSiblings':
        setExpanded((prev) => {
          const next = new Set(prev);
          for (const i of action.indices) {
            const id = states[i]?.id;
            if (id) next.add(id);
          }
          return next;
        });
        break;
    }
  };

  return (
    <TreeContext.Provider value={state}>
      <OrderContext.Provider value={orderBy}>
        <ul
          ref={ref}
          role="tree"
          aria-label={t('tenants.tree.label')}
          aria-describedby="tenant-tree-help"
          className="tree"
          onKeyDown={onKeyDown}
          onFocus={(e) => {
            const id = (e.target as HTMLElement).dataset['id'];
            if (id && (e.target as HTMLElement).getAttribute('role') === 'treeitem') setActive(id);
          }}
          data-testid="tenant-tree"
        >
          <Roots />
        </ul>
      </OrderContext.Provider>
    </TreeContext.Provider>
  );
}

type ItemFragment = FragmentType<typeof TenantTreeItemFragment>;

/** The top level, page by page; viewers who see no root start at the visible tenants whose parent is hidden. */
function Roots() {
  const [after, setAfter] = useState<Array<string | null>>([null]);
  const orderBy = useContext(OrderContext);
  const [first] = useQuery({ query: TenantRootsQuery, variables: { first: TREE_PAGE_SIZE, after: null, orderBy } });
  const noRoots = first.data?.tenants?.totalCount === 0;
  if (noRoots) return <VisibleTops />;
  return (
    <>
      {after.map((cursor, page) => (
        <RootsPage
          key={cursor ?? 'first'}
          after={cursor}
          offset={page * TREE_PAGE_SIZE}
          last={page === after.length - 1}
          onMore={(next) => setAfter((list) => [...list, next])}
        />
      ))}
    </>
  );
}

function RootsPage({
  after,
  offset,
  last,
  onMore,
}: {
  after: string | null;
  offset: number;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const orderBy = useContext(OrderContext);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: TenantRootsQuery,
    variables: { first: TREE_PAGE_SIZE, after, orderBy },
  });
  const conn = data?.tenants;
  return (
    <LevelPage
      level={1}
      nodes={conn?.nodes}
      total={conn?.totalCount ?? 0}
      offset={offset}
      error={error}
      fetching={fetching}
      retry={() => reexecute({ requestPolicy: 'network-only' })}
      more={last && conn?.pageInfo.hasNextPage && conn.pageInfo.endCursor ? () => onMore(conn.pageInfo.endCursor!) : undefined}
      testId="tenant-tree-roots"
    />
  );
}

function VisibleTops() {
  const orderBy = useContext(OrderContext);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: VisibleTenantsQuery,
    variables: { first: VISIBLE_LIMIT, after: null, orderBy },
  });
  const tops = useMemo(() => {
    const nodes = data?.tenants?.nodes ?? [];
    return nodes.filter((n) => getFragmentData(TenantTreeItemFragment, n).parent === null);
  }, [data]);
  return (
    <LevelPage
      level={1}
      nodes={data?.tenants ? tops : undefined}
      total={tops.length}
      offset={0}
      error={error}
      fetching={fetching}
      retry={() => reexecute({ requestPolicy: 'network-only' })}
      testId="tenant-tree-roots"
    />
  );
}

interface LevelPageProps {
  level: number;
  nodes: readonly ItemFragment[] | undefined;
  total: number;
  offset: number;
  error: Parameters<typeof QueryError>[0]['error'] | undefined;
  fetching: boolean;
  retry: () => void;
  more?: (() => void) | undefined;
  testId: string;
}

/** One page of one level: its items, then loading / error / empty / "more" as tree items. */
function LevelPage({ level, nodes, total, offset, error, fetching, retry, more, testId }: LevelPageProps) {
  const { t } = useI18n();
  const tree = useTree();
  if (!nodes) {
    if (error) {
      return (
        <li role="none" className="tree-status">
          <QueryError error={error} onRetry={retry} testId={`${testId}-error`} />
        </li>
      );
    }
    return (
      <li role="none" className="tree-status">
        <span role="status" className="loading-inline" data-testid={`${testId}-loading`}>
          {fetching ? (level === 1 ? t('tenants.loading') : t('tenants.children.loading')) : ''}
        </span>
      </li>
    );
  }
  if (nodes.length === 0 && offset === 0) {
    return level === 1 ? (
      <li role="none" className="tree-status">
        <p className="empty" data-testid="tenants-empty">
          {t('tenants.empty')}
        </p>
      </li>
    ) : null;
  }
  return (
    <>
      {nodes.map((n, i) => (
        <TreeNode key={getFragmentData(TenantTreeItemFragment, n).id} node={n} level={level} posinset={offset + i + 1} setsize={total} first={level === 1 && offset + i === 0} />
      ))}
      {more && (
        <li role="none">
          <span
            role="treeitem"
            aria-level={level}
            tabIndex={tree.active === `more:${testId}:${offset}` ? 0 : -1}
            data-id={`more:${testId}:${offset}`}
            data-label={t('tenants.more')}
            className="tree-item tree-more"
            onClick={more}
            data-testid="tenant-tree-more"
          >
            {t('tenants.moreCount', { shown: offset + nodes.length, total })}
          </span>
        </li>
      )}
    </>
  );
}

function TreeNode({
  node,
  level,
  posinset,
  setsize,
  first,
}: {
  node: ItemFragment;
  level: number;
  posinset: number;
  setsize: number;
  first: boolean;
}) {
  const { t, locale } = useI18n();
  const tree = useTree();
  const tenant = getFragmentData(TenantTreeItemFragment, node);
  const hasChildren = tenant.children.totalCount > 0;
  const expanded = hasChildren && tree.expanded.has(tenant.id);
  const groupId = `tree-group-${tenant.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const users = tenant.users.totalCount;
  const tabbable = tree.active === tenant.id || (tree.active === null && first);

  const onToggle = (e: MouseEvent): void => {
    e.preventDefault();
    e.stopPropagation();
    tree.setActive(tenant.id);
    tree.toggle(tenant.id);
  };

  return (
    <li role="none" className="tree-node">
      <Link
        to={tenantUsersPath(tenant.id)}
        role="treeitem"
        aria-level={level}
        aria-setsize={setsize}
        aria-posinset={posinset}
        aria-expanded={hasChildren ? expanded : undefined}
        aria-owns={expanded ? groupId : undefined}
        tabIndex={tabbable ? 0 : -1}
        className="tree-item"
        style={{ paddingInlineStart: `${(level - 1) * 1.5 + 0.5}rem` }}
        data-id={tenant.id}
        data-label={tenant.name}
        data-testid="tenant-node"
      >
        <span
          className={`tree-toggle${hasChildren ? '' : ' tree-toggle-leaf'}${expanded ? ' tree-toggle-open' : ''}`}
          aria-hidden="true"
          onClick={hasChildren ? onToggle : undefined}
          data-testid="tenant-node-toggle"
        >
          {hasChildren && <ChevronIcon />}
        </span>
        <span className="tree-name" data-testid="tenant-node-name">
          {tenant.name}
        </span>
        <span className="tree-meta muted" data-country={tenant.country}>
          {tenant.country}
        </span>
        <span className="tree-users" data-testid="tenant-node-users">
          {t(`tenants.users.${pluralForm(locale, users)}`, { count: users })}
        </span>
      </Link>
      {expanded && (
        <ul role="group" id={groupId} className="tree-group" data-testid="tenant-children">
          <Children parentId={tenant.id} level={level + 1} />
        </ul>
      )}
    </li>
  );
}

function Children({ parentId, level }: { parentId: string; level: number }) {
  const [after, setAfter] = useState<Array<string | null>>([null]);
  return (
    <>
      {after.map((cursor, page) => (
        <ChildrenPage
          key={cursor ?? 'first'}
          parentId={parentId}
          level={level}
          after={cursor}
          offset={page * TREE_PAGE_SIZE}
          last={page === after.length - 1}
          onMore={(next) => setAfter((list) => [...list, next])}
        />
      ))}
    </>
  );
}

function ChildrenPage({
  parentId,
  level,
  after,
  offset,
  last,
  onMore,
}: {
  parentId: string;
  level: number;
  after: string | null;
  offset: number;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const orderBy = useContext(OrderContext);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: TenantChildrenQuery,
    variables: { id: parentId, first: TREE_PAGE_SIZE, after, orderBy },
  });
  const conn = data?.node?.__typename === 'Tenant' ? data.node.children : undefined;
  return (
    <LevelPage
      level={level}
      nodes={data ? (conn?.nodes ?? []) : undefined}
      total={conn?.totalCount ?? 0}
      offset={offset}
      error={error}
      fetching={fetching}
      retry={() => reexecute({ requestPolicy: 'network-only' })}
      more={last && conn?.pageInfo.hasNextPage && conn.pageInfo.endCursor ? () => onMore(conn.pageInfo.endCursor!) : undefined}
      testId={`tenant-children-${parentId}`}
    />
  );
}

import { Button, Center } from '@mantine/core';

/** "Load more" under a paged list, shown while the server has a next page. */
export function LoadMore({
  list,
  testId,
}: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  testId?: string;
}) {
  if (!list.hasNextPage) return null;
  return (
    <Center mt="md">
      <Button
        variant="default"
        onClick={() => void list.fetchNextPage()}
        loading={list.isFetchingNextPage}
        data-testid={testId}
      >
        Load more
      </Button>
    </Center>
  );
}
